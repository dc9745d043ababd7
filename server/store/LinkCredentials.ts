/**
 * Where a child keeps the invitations its meetings link up with (the link's credential), apart from the meetings' logs:
 * a log is read by every export and audit, copied into snapshots and kept for years; a credential is read only by the
 * link, and goes when the link does.
 */
export interface LinkCredentials {
  /** The invitation a meeting links up with, or null when none is kept. */
  get(meetingId: string): Promise<string | null>;
  put(meetingId: string, linkToken: string): Promise<void>;
  remove(meetingId: string): Promise<void>;
}
