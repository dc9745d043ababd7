import type { AttendanceRowView } from '../../../server/protocol/http.js';

export interface AttendanceSummary {
  /** Points that joined at some time. */
  attended: number;
  invited: number;
  /** People in the rooms, from the points' latest roll-call confirmations. */
  headcount: number;
  /** Points that had an outage (a drop or a disconnected link) while attending. */
  withOutages: number;
  /** Points that never joined, by name. */
  neverJoined: string[];
}

/** The chair's attendance figures from the attendance rows (one per invited point). */
export function summarizeAttendance(rows: readonly AttendanceRowView[]): AttendanceSummary {
  const attended = rows.filter((r) => r.intervals.length > 0);

  return {
    attended: attended.length,
    invited: rows.length,
    headcount: rows.reduce((sum, r) => sum + (r.headcount ?? 0), 0),
    withOutages: attended.filter((r) => r.outageSeconds > 0).length,
    neverJoined: rows.filter((r) => r.intervals.length === 0).map((r) => r.pointName),
  };
}
