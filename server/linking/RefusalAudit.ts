/** Refused link messages written to a meeting's audit trail per link per minute, at most (the rest are only counted). */
export const AUDITED_REFUSALS = 20;

/**
 * How many of a link's refused messages go into the audit trail: AUDITED_REFUSALS a minute per link, whatever its
 * reconnections, so that a misbehaving peer cannot fill the trail.
 */
export class RefusalAudit {
  readonly #windows = new Map<string, { since: number; count: number }>();
  readonly #now: () => number;

  constructor({ now = Date.now }: { now?: () => number } = {}) {
    this.#now = now;
  }

  /** Whether this refusal on `link` is audited (counted against the link's minute either way). */
  admit(link: string): boolean {
    const now = this.#now();
    const window = this.#windows.get(link);
    if (window === undefined || now - window.since > 60_000) {
      this.#windows.set(link, { since: now, count: 1 });

      return true;
    }
    window.count += 1;

    return window.count <= AUDITED_REFUSALS;
  }
}
