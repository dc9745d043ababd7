/**
 * The shapes of the meeting's live stream (HLS from the coordinator) as the meeting's log keeps it: started and
 * stopped by the office or a chair, failed when its encoder cannot run. The stream itself is server/stream.
 */

export const STREAM_STATUSES = ['live', 'stopped', 'failed'] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];

export interface StreamState {
  status: StreamStatus;
  since: number;
  /** Why it stopped or failed, in words. */
  reason: string | null;
}
