import type * as sip from 'sip';
import { REFUSAL_STATUS, REFUSAL_WORDS, type RefusalReason } from '../domain/sip/callers.js';
import type { CallState } from '../domain/sip/callState.js';
import { CallLiveness } from './CallLiveness.js';
import { dtmfAction } from '../domain/sip/dtmf.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import { createLogger } from '../logger.js';
import {
  ALLOW,
  inDialog,
  keyOf,
  pointName,
  viewOf,
  SYSTEM,
  type Call,
  type CallHost,
  type CallView,
  type SipCallsOptions,
} from './calls.js';
import { acknowledged, answerInvite, cancelInvite } from './dialIn.js';
import { placeCall } from './dialOut.js';
import { Redials } from './Redials.js';
import { PinBook } from './pins.js';
import { callable, directoryPointOf, sipAddressOf } from './roomAddresses.js';
import { pinKey } from './pinLobby.js';
import { WrongGuesses } from './WrongGuesses.js';
import type { SipUserAgent } from './SipUserAgent.js';
import { answerInfo, sendFastUpdate } from './info.js';
import type { SipRequest } from './sipWire.js';

const logger = createLogger('SipCalls');

export type { CallView, SipCallsOptions } from './calls.js';

const REASON_PHRASES: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 410: 'Gone', 486: 'Busy Here' };

/**
 * The calls of hardware room systems: rooms that dial a meeting's conference number (dialIn.ts) and rooms the
 * coordinator calls (dialOut.ts), each its point's room on the bridge, present while its call lasts; its remote's keys
 * (RFC 4733 or SIP INFO) its point's commands; key-frame requests both ways; an unexpected drop called back, bounded.
 * The rules (who is calling, what a key means, the call's states and redials) are in domain/sip.
 */
export class SipCalls implements CallHost {
  readonly options: SipCallsOptions;
  readonly calls = new Map<string, Call>();
  /** Calls by outcome over the process's life, for /metrics. */
  readonly counts = new Map<CallState | 'refused', number>();
  #agent: SipUserAgent | null = null;
  /** Each point's last call outcome (a dial-out that found the room busy), shown until the next call. */
  readonly #outcomes = new Map<string, CallView>();
  /** Automatic redials after a drop, by meeting and point: the attempt and its timer. */
  readonly #redials = new Redials((meetingId, pointId) => placeCall(this, meetingId, pointId));
  readonly #listeners = new Set<(meetingId: string) => void>();
  readonly #unsubscribe: () => void;
  readonly #pins: PinBook;
  readonly #liveness = new CallLiveness(this);
  /** Wrong PINs by address (with the registrar's wrong passwords when it shares them). */
  readonly #guesses: WrongGuesses;

  constructor(options: SipCallsOptions) {
    this.options = options;
    this.#pins = new PinBook(options.pinSecret);
    this.#guesses = options.guesses ?? new WrongGuesses(() => this.now());
    this.#unsubscribe = options.meetings.onEvents((runtime, events) => {
      if (events.some((e) => e.type === 'MeetingEnded')) {
        for (const call of [...this.calls.values()].filter((c) => c.meetingId === runtime.id)) {
          this.hangUp(call.callId, 'ended');
        }
      }
    });
    options.media.bridge.on('keyFrameWanted', (participantId) => sendFastUpdate(this, participantId));
  }

  get agent(): SipUserAgent | null {
    return this.#agent;
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  attach(agent: SipUserAgent): void {
    this.#agent = agent;
  }

  /** Hears of every change in a meeting's calls (the consoles' view). */
  onChange(listener: (meetingId: string) => void): () => void {
    this.#listeners.add(listener);

    return () => this.#listeners.delete(listener);
  }

  /** The calls of a meeting as the consoles show them: live calls, then each other point's last outcome. */
  callsOf(meetingId: string): CallView[] {
    const live = [...this.calls.values()].filter((c) => c.meetingId === meetingId).map(viewOf);
    const livePoints = new Set(live.map((c) => c.pointId));
    const outcomes = [...this.#outcomes]
      .filter(([key, view]) => key.startsWith(`${meetingId}\u0000`) && !livePoints.has(view.pointId))
      .map(([, view]) => view);

    return [...live, ...outcomes];
  }

  /** The calls that are up now, each with its meeting, point and participant on the bridge. */
  connectedCalls(): Pick<Call, 'callId' | 'meetingId' | 'pointId' | 'participantId' | 'video' | 'audio'>[] {
    return [...this.calls.values()]
      .filter((c) => c.state === 'connected')
      .map(({ callId, meetingId, pointId, participantId, video, audio }) => ({
        callId,
        meetingId,
        pointId,
        participantId,
        video,
        audio,
      }));
  }

  /** What a connected call's room has sent so far (sampled with the rooms' health): see CallLiveness. */
  mediaReceived(callId: string, bytes: number): void {
    this.#liveness.mediaReceived(callId, bytes);
  }

  /** Asks the connected rooms whether their calls still stand (OPTIONS): see CallLiveness. */
  keepAlive(everyMs?: number): void {
    this.#liveness.keepAlive(everyMs);
  }

  isConnected(callId: string): boolean {
    return this.calls.get(callId)?.state === 'connected';
  }

  /** Calls a point's room ("Gọi điểm cầu", "Gọi lại"). */
  async dial(meetingId: string, pointId: string): Promise<CallView> {
    this.#redials.forget(meetingId, pointId);

    return viewOf(await placeCall(this, meetingId, pointId));
  }

  /** Calls every invited room with a SIP address that is not in the meeting or in a call ("Gọi tất cả"). */
  async dialAll(meetingId: string): Promise<CallView[]> {
    const { state } = this.options.meetings.get(meetingId);
    const inCall = new Set([...this.calls.values()].filter((c) => c.meetingId === meetingId).map((c) => c.pointId));
    const rooms = state.def.points.filter(
      (p) =>
        this.callable(meetingId, p.code) &&
        p.code !== state.def.hubPointId &&
        state.points[p.code]?.connected !== true &&
        !inCall.has(p.code),
    );
    const placed: CallView[] = [];
    for (const room of rooms) {
      placed.push(await this.dial(meetingId, room.code));
    }

    return placed;
  }

  handle(request: SipRequest, remote: sip.Remote): void {
    switch (request.method) {
      case 'INVITE':
        void answerInvite(this, request, remote).catch((error: unknown) => {
          logger.error({ err: error, callId: request.headers['call-id'] }, 'INVITE failed');
          this.respond(request, 500, 'Server Internal Error');
        });

        return;
      case 'ACK':
        acknowledged(this, request);

        return;
      case 'BYE':
        this.#bye(request);

        return;
      case 'CANCEL':
        cancelInvite(this, request);

        return;
      case 'OPTIONS':
        this.respond(request, 200, 'OK', { headers: { allow: ALLOW, accept: 'application/sdp', supported: '' } });

        return;
      case 'INFO':
        answerInfo(this, request);

        return;
      case 'REGISTER': {
        const registrar = this.options.registrar;
        if (registrar === undefined) {
          this.respond(request, 405, 'Method Not Allowed', { headers: { allow: ALLOW } });

          return;
        }
        const { status, reason, headers } = registrar.register(request, remote);
        this.respond(request, status, reason, headers === undefined ? undefined : { headers });

        return;
      }
      default:
        this.respond(request, 405, 'Method Not Allowed', { headers: { allow: ALLOW } });
    }
  }

  /** Ends a call from this side (BYE), as the room sees a hang-up; no redial follows. */
  hangUp(callId: string, state: CallState = 'ended'): void {
    const call = this.calls.get(callId);
    if (call === undefined) {
      return;
    }
    if (this.#agent !== null && (call.state === 'connected' || call.state === 'enteringPin')) {
      inDialog(this.#agent, call, 'BYE');
    } else if (call.state === 'calling' || call.state === 'ringing') {
      // A room we are still calling stops ringing (its 487 or a late 200 then lets go of the call's ports).
      call.cancel?.();
    }
    this.end(call, state);
  }

  bye(call: Call, reason?: string): void {
    if (this.#agent !== null) {
      inDialog(this.#agent, call, 'BYE', reason === undefined ? {} : { reason });
    }
    this.end(call, 'declined');
  }

  pinsOf(runtime: MeetingRuntime): ReadonlyMap<string, string> {
    return this.#pins.of(runtime);
  }

  pinGuessesLeft(address: string): boolean {
    return this.#guesses.left(address);
  }

  wrongPin(address: string): void {
    this.#guesses.add(address);
  }

  close(): void {
    this.#unsubscribe();
    this.#redials.close();
    for (const callId of [...this.calls.keys()]) {
      this.hangUp(callId);
    }
  }

  respond(
    request: SipRequest,
    status: number,
    reason: string,
    extension?: { headers?: Record<string, unknown>; content?: string },
  ): void {
    this.#agent?.respond(request, status, reason, extension);
  }

  connected(call: Call): void {
    const { meetingId, pointId, participantId, callId } = call;
    this.#count('connected');
    this.#outcomes.delete(keyOf(meetingId, pointId));
    this.#redials.forget(meetingId, pointId);
    this.options.presence.attached(meetingId, pointId);
    const media = call.media;
    void this.options.program
      ?.addRoom(meetingId, {
        participantId,
        pointId,
        onPayloadTypes: (payloadTypes) => media?.payloadTypesFromBridge(payloadTypes),
      })
      .catch((error: unknown) => logger.warn({ err: error, callId }, 'the room does not receive the program'));
    const runtime = this.options.meetings.loaded(meetingId);
    const name = runtime === undefined ? pointId : pointName(runtime.state.def.points, pointId);
    const how = call.direction === 'in' ? 'gọi vào' : 'đã nhận cuộc gọi';
    this.#audit(
      meetingId,
      `${name} ${how} (${call.remote.uri}): ${call.video ?? 'không hình'}, ${call.audio ?? 'không tiếng'}`,
    );
    logger.info({ callId, meetingId, pointId, direction: call.direction, video: call.video }, 'call connected');
    this.changed(meetingId);
  }

  end(call: Call, state: CallState): void {
    if (this.calls.get(call.callId) !== call) {
      return;
    }
    this.calls.delete(call.callId);
    this.#liveness.forget(call.callId);
    if (call.ackTimer !== null) {
      clearTimeout(call.ackTimer);
    }
    const wasConnected = call.state === 'connected';
    call.state = state;
    this.#count(state);
    call.media?.close();
    if (wasConnected) {
      this.options.program?.removeRoom(call.meetingId, call.participantId);
      this.options.media.leave(call.meetingId, call.participantId);
      this.options.presence.detached(call.meetingId, call.pointId);
    }
    if (call.pointId !== '') {
      // A room that never said which point it is (no right PIN) leaves no outcome on any point.
      this.#outcomes.set(keyOf(call.meetingId, call.pointId), { ...viewOf(call), since: this.now() });
    }
    logger.info({ callId: call.callId, pointId: call.pointId, state }, 'call ended');
    // A room it can call again: at its address on file, or where it registered.
    const callable = this.callable(call.meetingId, call.pointId);
    this.#redials.after(call.meetingId, call.pointId, state, callable);
    this.changed(call.meetingId);
  }

  key(callId: string, key: string): void {
    const call = this.calls.get(callId);
    const runtime = call === undefined ? undefined : this.options.meetings.loaded(call.meetingId);
    if (call === undefined || runtime === undefined || !call.keys.take()) {
      return;
    }
    if (call.state === 'enteringPin') {
      pinKey(this, call, key);

      return;
    }
    if (call.state !== 'connected') {
      return;
    }
    // The room hears what its key did: done, or not possible now (no roll call open, nothing to withdraw).
    const action = dtmfAction(runtime.state, call.pointId, key);
    const said =
      action.command === null
        ? Promise.resolve(action.spoken)
        : runtime.execute(action.command, { role: 'point', pointId: call.pointId }).then(
            () => action.spoken,
            (error: unknown) => {
              logger.info({ err: error, callId, key }, 'a key from the room was refused');

              return 'nothing' as const;
            },
          );
    void said.then((words) => call.media?.say(words));
  }

  refuse(request: SipRequest, meetingId: string | null, reason: RefusalReason, from: string): void {
    const status = REFUSAL_STATUS[reason];
    this.respond(request, status, REASON_PHRASES[status] ?? 'Forbidden');
    if (meetingId === null) {
      this.#count('refused');
      logger.info({ from, reason }, 'call refused');
    } else {
      this.refused(meetingId, reason, from);
    }
  }

  refused(meetingId: string, reason: RefusalReason, from: string): void {
    this.#count('refused');
    logger.info({ from, meetingId, reason }, 'call refused');
    this.#audit(meetingId, `${from}: ${REFUSAL_WORDS[reason]}`, 'sip_refused');
  }

  changed(meetingId: string): void {
    this.#listeners.forEach((listener) => listener(meetingId));
  }

  sipAddressOf(meetingId: string, pointId: string): string | null {
    return sipAddressOf(this.options.meetings, meetingId, pointId);
  }

  callable(meetingId: string, pointId: string): boolean {
    return callable(this.options.meetings, this.options.registrar, meetingId, pointId);
  }

  directoryPointOf(address: string): string | null {
    return directoryPointOf(this.options.meetings, address);
  }

  #bye(request: SipRequest): void {
    const call = this.calls.get(request.headers['call-id']);
    if (call === undefined) {
      this.respond(request, 481, 'Call/Transaction Does Not Exist');

      return;
    }
    this.respond(request, 200, 'OK');
    this.end(call, 'ended');
  }

  #audit(meetingId: string, detail: string, action: 'sip_refused' | 'sip_call' = 'sip_call'): void {
    this.options.meetings
      .loaded(meetingId)
      ?.execute({ type: 'audit.record', action, detail: detail.slice(0, 500) }, SYSTEM)
      .catch(() => undefined);
  }

  #count(state: CallState | 'refused'): void {
    this.counts.set(state, (this.counts.get(state) ?? 0) + 1);
  }
}
