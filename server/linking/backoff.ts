/**
 * How long to wait before the `attempt`-th try again (0 for the first retry): doubling from `baseMs` up to `maxMs`,
 * each delay drawn between half and all of it, so that a hundred children refused or cut off at one moment do not
 * come back at one moment. `random` is for tests. Default `Math.random`.
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs, random = Math.random }: { baseMs: number; maxMs: number; random?: () => number },
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));

  return Math.round(ceiling * (0.5 + random() / 2));
}
