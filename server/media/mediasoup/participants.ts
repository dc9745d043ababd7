import type { types as ms } from 'mediasoup';
import { DomainError } from '../../domain/core/errors.js';
import type { MediaParticipant, RoutingPlan } from '../routing.js';

/** The mediasoup bridge's bookkeeping: a meeting's routers and each participant's transports, producers, consumers. */

/** One router of a meeting, on one worker, with the consumers it carries and its active-speaker observer. */
export interface MeetingRouter {
  router: ms.Router;
  worker: number;
  consumers: number;
  speakers: ms.ActiveSpeakerObserver;
}

export interface MeetingRouters {
  routers: MeetingRouter[];
  /** Joins placing participants on routers, one at a time (a second router is created once, not twice). */
  joining: Promise<unknown>;
  /** The routing to carry next, and whether a pass is running: passes run one at a time, the latest plan wins. */
  pendingPlan: RoutingPlan | null;
  routing: boolean;
}

export interface Participant {
  info: MediaParticipant;
  meetingId: string;
  /** The meeting router this participant's transports live on. */
  router: MeetingRouter;
  rtpCapabilities: ms.RtpCapabilities | null;
  transports: Map<string, ms.WebRtcTransport>;
  /** Its microphone (`audio`), camera (`video`) and shared screen (`screen`), while it sends them. */
  producers: Map<'audio' | 'video' | 'screen', ms.Producer>;
  /** consumerKey → consumer. */
  consumers: Map<string, ms.Consumer>;
  /** A hardware room system's plain RTP transports, one per m-line (MediasoupPlainRooms). */
  plain?: ms.PlainTransport[];
  /** What a room system receives of the program, by kind (kept apart from the routing's consumers). */
  program?: Map<'audio' | 'video', ms.Consumer>;
}

/** A participant as it comes on the bridge: nothing sent or received yet (a console, a pipe's, a room system's). */
export function newParticipant(info: MediaParticipant, meetingId: string, router: MeetingRouter): Participant {
  return {
    info,
    meetingId,
    router,
    rtpCapabilities: null,
    transports: new Map(),
    producers: new Map(),
    consumers: new Map(),
  };
}

/** The router a participant's transports live on, while it is open. */
export function routerOf(participant: Participant): MeetingRouter {
  if (participant.router.router.closed) {
    throw new DomainError('NOT_FOUND', 'Phòng truyền hình đã đóng (media router gone)');
  }

  return participant.router;
}

/** Just enough shape to hand to mediasoup, which validates the rest. */
export function isRtpCapabilities(value: unknown): value is ms.RtpCapabilities {
  return typeof value === 'object' && value !== null && (!('codecs' in value) || Array.isArray(value.codecs));
}

/** A participant on the bridge; one that has not joined its media (or has left) is refused. */
export function joined(participants: Map<string, Participant>, participantId: string): Participant {
  const participant = participants.get(participantId);
  if (participant === undefined) {
    throw new DomainError('NOT_FOUND', 'Chưa tham gia truyền hình (media not joined)');
  }

  return participant;
}

/** One of the participant's own transports: someone else's transport id is unknown here too. */
export function transportOf(participant: Participant, transportId: string): ms.WebRtcTransport {
  const transport = participant.transports.get(transportId);
  if (transport === undefined) {
    throw new DomainError('NOT_FOUND', `Không có transport ${transportId} của điểm cầu này (no such transport here)`);
  }

  return transport;
}

/** mediasoup throws TypeError on malformed parameters: that is the client's bad input. */
export async function asMediaInput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof TypeError) {
      throw DomainError.validation(`Tham số truyền hình không hợp lệ: ${error.message}`.slice(0, 300));
    }
    throw error;
  }
}
