/**
 * socket.io rooms mirror the meeting and its tree (ARCHITECTURE.md, rule 6): a command reaches exactly who needs it.
 * A point's socket joins the room of every unit on its path, so a unit room reaches the whole subtree.
 */
export const rooms = {
  meeting: (meetingId: string) => `m:${meetingId}`,
  staff: (meetingId: string) => `m:${meetingId}:staff`,
  points: (meetingId: string) => `m:${meetingId}:points`,
  role: (meetingId: string, role: string) => `m:${meetingId}:r:${role}`,
  point: (meetingId: string, pointId: string) => `m:${meetingId}:p:${pointId}`,
  unit: (meetingId: string, unitId: string) => `m:${meetingId}:u:${unitId}`,
};
