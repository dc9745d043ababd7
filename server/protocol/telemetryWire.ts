/** The link-health history a technician's console plots, as the protocol sends it. */

/** The numeric fields kept per sample, in storage order. */
export const HISTORY_FIELDS = [
  'lossPct',
  'rttMs',
  'jitterMs',
  'fpsIn',
  'fpsOut',
  'kbpsIn',
  'kbpsOut',
  'freezeCount',
  'freezeMs',
  'audioLevel',
] as const;

export type HistoryField = (typeof HISTORY_FIELDS)[number];

/** Columnar history, ready for a time-series plot: `at[i]` with each field's value (null when not reported). */
export type HistoryColumns = { at: number[] } & Record<HistoryField, (number | null)[]>;
