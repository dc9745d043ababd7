/**
 * The shapes of the secretary's record (summaries, conclusion, tasks) and its limits, apart from its rules
 * (record.ts), so that the meeting's model and events can name them without importing the rules.
 */

export const SUMMARY_MAX = 2000;
export const CONCLUSION_MAX = 10_000;
export const TASK_TEXT_MAX = 1000;
export const DEPARTMENT_MAX = 160;

export type TaskStatus = 'open' | 'done';

export interface Task {
  taskId: string;
  text: string;
  /** The unit of the meeting it is assigned to, or null when it goes to a department only. */
  unitId: string | null;
  /** A department or body named in words ("Sở Xây dựng"), or null. */
  department: string | null;
  /** The last day it is due, `yyyy-mm-dd` (Hanoi), or null. */
  deadline: string | null;
  status: TaskStatus;
  assignedAt: number;
  /** When it was marked done, or null. */
  doneAt: number | null;
}

export interface MeetingRecord {
  /** Turn index (into `state.turns`) → the secretary's summary. */
  summaries: Record<number, string>;
  conclusion: string | null;
  tasks: Task[];
}
