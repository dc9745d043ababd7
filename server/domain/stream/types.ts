/**
 * The shapes of the meeting's live stream (HLS from the coordinator) as the meeting's log keeps it: started and
 * stopped by the office or a chair, failed when its encoder cannot run, and how the office set it up. The stream
 * itself is server/stream.
 */

export const STREAM_STATUSES = ['live', 'stopped', 'failed'] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];

export interface StreamState {
  status: StreamStatus;
  since: number;
  /** Why it stopped or failed, in words. */
  reason: string | null;
}

/** Where the stream is pushed as well: the name the office knows it by and the ingest's URL (with its key). */
export interface StreamDestinationSetting {
  name: string;
  url: string;
}

/** How the office set the meeting's stream up (a meeting starts with none of it). */
export interface StreamSetup {
  /** Only holders of a viewer link may watch (officials without a bridge point), not the public. */
  internal: boolean;
  /** The stream starts by itself when the meeting opens. */
  startWithMeeting: boolean;
  /** The segments are kept as the meeting's recording (a VOD playlist) after the stream ends. */
  keepRecording: boolean;
  /** Pushed to these as well whenever the stream starts without destinations of its own. */
  destinations: StreamDestinationSetting[];
  /** A still card ("Hội nghị tạm dừng") is streamed instead of the program: a closed part of the meeting. */
  card: boolean;
}

/** A meeting's stream before the office sets it up: public, started by hand, not kept, pushed nowhere. */
export const NO_STREAM_SETUP: StreamSetup = {
  internal: false,
  startWithMeeting: false,
  keepRecording: false,
  destinations: [],
  card: false,
};
