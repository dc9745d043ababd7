import type * as sip from 'sip';
import { checkPin } from '../domain/sip/callers.js';
import { sendsToStatedAddress } from '../domain/sip/mediaPath.js';
import { createLogger } from '../logger.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import { TokenBucket } from '../signaling/TokenBucket.js';
import { roomParticipantId, type Call, type CallHost } from './calls.js';
import { answeredCall, answerWithOk } from './answer.js';
import { openRelays, relayed, openRoomMedia, relaysOnly, type Relays } from './roomMedia.js';
import type { PlainStreamOffer } from '../media/MediaBridge.js';
import type { SipRequest } from './sipWire.js';

const logger = createLogger('pinLobby');

/** A room that has not keyed a right PIN by then is hung up. */
const PIN_TIME_MS = 90_000;
/** Digits kept before "#" (a stuck key does not grow the buffer). */
const MOST_DIGITS = 12;

interface PinEntry {
  digits: string;
  tries: number;
  relays: Relays;
  /** The signalling address, whose wrong PINs are counted. */
  from: string;
  /** A right PIN was keyed: the room is being put on the bridge, and further keys wait for that. */
  entering: boolean;
}

/** Rooms keying a PIN at once, from one address and in all: each holds relay ports until it enters or is hung up. */
const LOBBY_PER_ADDRESS = 2;
const LOBBY_IN_ALL = 50;

const entries = new WeakMap<Call, PinEntry>();

/** The calls keying a PIN now, and the addresses they came from. */
function lobbyOf(host: CallHost): { from: string }[] {
  return [...host.calls.values()]
    .filter((c) => c.state === 'enteringPin')
    .map((c) => entries.get(c))
    .filter((e): e is PinEntry => e !== undefined);
}

/**
 * A room whose address the directory does not hold calls in: it is answered on relays of this process only (nothing of
 * it reaches the bridge or the meeting), told to key its point's PIN, and enters as that point once it has; three wrong
 * PINs, or none within the time, and it is hung up with the reason. Rooms keying from an SRTP stream cannot be asked
 * (the prompt would have to be encrypted here): they must call from their address on file.
 */
export async function askForPin(
  host: CallHost,
  request: SipRequest,
  remote: sip.Remote,
  runtime: MeetingRuntime,
  streams: PlainStreamOffer[],
): Promise<Call | null> {
  const from = request.headers.from.uri;
  const agent = host.agent;
  if (agent === null) {
    host.respond(request, 503, 'Service Unavailable');

    return null;
  }
  const lobby = lobbyOf(host);
  if (
    !host.pinGuessesLeft(remote.address) ||
    // SRTP in a suite the relay does not protect could not be held at a relay until the PIN is right.
    streams.some((s) => s.codec !== null && !relayed(s)) ||
    lobby.length >= LOBBY_IN_ALL ||
    lobby.filter((e) => e.from === remote.address).length >= LOBBY_PER_ADDRESS
  ) {
    logger.info({ from, address: remote.address }, 'not asked for a PIN (SRTP suite, too many wrong PINs or callers)');
    host.refuse(request, runtime.id, 'not-invited', from);

    return null;
  }
  const callId = request.headers['call-id'];
  const relays = await openRelays({
    relay: host.options.relay,
    streams,
    sendToStatedAddress: sendsToStatedAddress(streams.find((s) => s.codec !== null)?.remote.ip ?? '', remote.address),
    onKey: (key) => host.key(callId, key),
  });
  const media = relaysOnly(relays, agent.announcedIp, host.options.ffmpeg);
  const call = answeredCall(host, request, {
    meetingId: runtime.id,
    // Not a point until its PIN says which.
    pointId: '',
    participantId: '',
    state: 'enteringPin',
    streams,
    media,
    announcedIp: agent.announcedIp,
    // A PIN and "#" keyed briskly; a stuck key is still throttled.
    keys: new TokenBucket({ capacity: 16, perSecond: 6 }),
  });
  entries.set(call, { digits: '', tries: 0, relays, from: remote.address, entering: false });
  host.calls.set(callId, call);
  answerWithOk(host, call);
  host.changed(runtime.id);
  const timeout = setTimeout(() => {
    if (host.calls.get(callId) === call && call.state === 'enteringPin') {
      void refuseAfterWords(host, call, 'pin-timeout');
    }
  }, PIN_TIME_MS);
  timeout.unref();
  void media.say('enterPin');

  return call;
}

/** A key of a room keying its PIN: digits gather, "*" starts again, "#" submits. */
export function pinKey(host: CallHost, call: Call, key: string): void {
  const entry = entries.get(call);
  if (entry === undefined || entry.entering) {
    return;
  }
  if (key === '*') {
    entry.digits = '';

    return;
  }
  if (key !== '#') {
    entry.digits = `${entry.digits}${key}`.slice(-MOST_DIGITS);

    return;
  }
  const runtime = host.options.meetings.loaded(call.meetingId);
  if (runtime === undefined) {
    host.hangUp(call.callId, 'ended');

    return;
  }
  entry.tries += 1;
  const decision = checkPin(runtime.state, host.pinsOf(runtime), entry.digits, entry.tries);
  entry.digits = '';
  if (decision.kind === 'point') {
    entry.entering = true;
    void enter(host, call, entry, runtime, decision.pointId).catch((error: unknown) => {
      logger.warn({ err: error, callId: call.callId }, 'the room could not enter');
      host.hangUp(call.callId, 'failed');
    });

    return;
  }
  host.wrongPin(entry.from);
  if (decision.kind === 'retry') {
    void call.media?.say('wrongPin');

    return;
  }
  void refuseAfterWords(host, call, 'wrong-pin');
}

/** The room is its point's now: its relays join the bridge (the same ports: no new offer), and it is connected. */
async function enter(
  host: CallHost,
  call: Call,
  entry: PinEntry,
  runtime: MeetingRuntime,
  pointId: string,
): Promise<void> {
  const agent = host.agent;
  if (agent === null) {
    return;
  }
  // A room calling again (after a drop its old call did not report) replaces its old call.
  for (const old of [...host.calls.values()].filter((c) => c.meetingId === runtime.id && c.pointId === pointId)) {
    host.hangUp(old.callId, 'ended');
  }
  const participantId = roomParticipantId(runtime.id, pointId);
  const streams = [...entry.relays.values()].map(({ stream }) => stream);
  const media = await openRoomMedia({
    media: host.options.media,
    relay: host.options.relay,
    meetingId: runtime.id,
    participant: { id: participantId, role: 'point', pointId },
    streams,
    sendToStatedAddress: false,
    address: agent.announcedIp,
    onKey: (key) => host.key(call.callId, key),
    relays: new Map([...entry.relays].map(([kind, { relay }]) => [kind, relay])),
    ffmpeg: host.options.ffmpeg,
  });
  if (host.calls.get(call.callId) !== call) {
    media.close();
    host.options.media.leave(runtime.id, participantId);

    return;
  }
  entries.delete(call);
  Object.assign(call, { state: 'connected', pointId, participantId, media });
  call.since = host.now();
  host.connected(call);
  void media.say('welcome');
}

/** The room hears why, then is hung up (BYE with the reason, RFC 3326); the refusal is audited. */
async function refuseAfterWords(host: CallHost, call: Call, reason: 'wrong-pin' | 'pin-timeout'): Promise<void> {
  host.refused(call.meetingId, reason, call.remote.uri);
  call.state = 'declined';
  host.changed(call.meetingId);
  await call.media?.say('pinRefused');
  if (host.calls.get(call.callId) === call) {
    host.bye(call, reason === 'wrong-pin' ? 'SIP;cause=403;text="Wrong PIN"' : 'SIP;cause=408;text="No PIN"');
  }
}
