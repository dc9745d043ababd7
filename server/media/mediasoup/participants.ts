import type { types as ms } from 'mediasoup';
import { DomainError } from '../../domain/errors.js';
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
