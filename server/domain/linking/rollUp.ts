import type { MeetingState, RollCall, RollCallOutcome } from '../core/model.js';
import { emptyCounts, rollCallChain, type RollCallTally, type TallyCounts } from '../rollCall/rollCall.js';
import type { LinkedChild } from './types.js';

/**
 * A roll call's tally by linked child: every child's points (its hall included), whatever unit inside it, named by
 * the child's unit ("Tỉnh Bắc Giang"); `unanswered` counts its points asked and not heard from, which is what a lost
 * link leaves missing.
 */
export function tallyByChild(
  state: MeetingState,
  rollCall: RollCall,
  tally: RollCallTally,
): {
  unitId: string;
  unitName: string;
  title: string;
  state: LinkedChild['state'];
  counts: TallyCounts;
  unanswered: number;
}[] {
  const chain = rollCallChain(state, rollCall);
  const headcountOf = (pointId: string) =>
    chain.reduce((last, run) => run.confirmations[pointId]?.headcount ?? last, 0);
  const answered = (pointId: string) => chain.some((run) => run.confirmations[pointId] !== undefined);

  return Object.values(state.links).map((link) => {
    const counts = emptyCounts();
    let unanswered = 0;
    for (const point of link.points) {
      const outcome: RollCallOutcome | undefined = tally.outcomes[point.code];
      if (outcome !== undefined) {
        counts[outcome] += 1;
        counts.headcount += headcountOf(point.code);
        unanswered += answered(point.code) ? 0 : 1;
      }
    }
    const unitName = state.def.units.find((u) => u.code === link.unitId)?.name ?? link.title;

    return { unitId: link.unitId, unitName, title: link.title, state: link.state, counts, unanswered };
  });
}
