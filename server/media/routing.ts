import { childOf } from '../domain/linking/linking.js';
import { programOrigin, speaksHere } from '../domain/linking/program.js';
import { relayedScreen } from '../domain/linking/relayedContent.js';
import type { MeetingState, Role } from '../domain/core/model.js';

/**
 * The routing policy (pure): from the meeting state and who is connected to the bridge, decide what each participant
 * receives and which microphones flow. A bridge meeting is a broadcast, so cost grows linearly with points: every
 * participant gets the program (hub + speaker); only the hub's staff get the grid of point thumbnails (low layer).
 */

/** A participant connected to the media bridge (one browser: a chair's console, a point's room, a technician). */
export interface MediaParticipant {
  id: string;
  role: Role;
  /** The point this participant is the room of; `null` for chairs, technicians and observers. */
  pointId: string | null;
  /**
   * Linked meetings: the parent meeting's program piped down to this bridge — its hub's picture and sound, its
   * speaker's, or the screen it shows. Shown (and heard) instead of this meeting's own while the chair relays the parent.
   */
  relayed?: 'parentHub' | 'parentSpeaker' | 'parentScreen';
  /** This console sends a shared screen (set while it does). */
  sharing?: boolean;
  /** The point's room system (a SIP call), not a browser: a console of the point then only controls it. */
  device?: 'sip';
}

/** A media source: the participant whose camera or microphone feeds a slot. */
export type Source = string | null;

/** Which layer of a simulcast source a slot wants: the grid takes thumbnails, the program full size. */
export type Layer = 'high' | 'low';

export interface ParticipantRouting {
  /** Program video: [hub (chair site), speaker or auto-scan site]. */
  program: [Source, Source];
  /** Audio to hear: the hub's (if open), the floor holder's and points the chair opened; never one's own. */
  audio: Source[];
  /** Thumbnails of points (staff only), the current page. */
  grid: Source[];
  /** The shared screen on show beside the speaker: the console sending it, or null. */
  content: Source;
}

export interface RoutingPlan {
  byParticipant: Map<string, ParticipantRouting>;
  /** Participants whose microphone the bridge forwards; every other microphone is paused at the bridge. */
  openMics: Set<string>;
}

/** A grid page number, or the points a console chose to see (its own filtered page). */
export type GridSelection = number | readonly string[];

export interface RoutingOptions {
  /** Most thumbnails a console receives (a page). Default `MAX_GRID_PAGE`. */
  gridPageSize?: number;
  /** Each staff participant's grid page (0-based), or the points it chose to see. Default page 0. */
  gridPages?: ReadonlyMap<string, GridSelection>;
  /** Most open point microphones mixed to listeners besides the speaker. Default 3. */
  maxOpenPoints?: number;
}

/**
 * Most point thumbnails one staff console receives: a 1920×1080 chair screen fits 24 at a legible size; each is the
 * camera's lowest simulcast layer (about 100-150 kbit/s), so the hub's downlink stays under 4 Mbit/s.
 */
export const MAX_GRID_PAGE = 24;

const STAFF: ReadonlySet<Role> = new Set(['chair', 'cochair', 'technician', 'observer', 'secretary']);
const CHAIRS: ReadonlySet<Role> = new Set(['chair', 'cochair']);

/** The site shown as speaker: the floor holder, else during a report the auto-scan site of the moment. */
export function programSpeaker(state: MeetingState, now: number): string | null {
  if (state.floor !== null) {
    return state.floor.pointId;
  }
  const item = state.def.agenda[state.agendaIndex];
  const scan = state.scan;
  if (scan === null || scan.pointIds.length === 0 || item?.kind !== 'report') {
    return null;
  }
  const step = Math.floor((now - scan.startedAt) / (scan.intervalSec * 1000));

  return scan.pointIds[((step % scan.pointIds.length) + scan.pointIds.length) % scan.pointIds.length] ?? null;
}

/** What the recorder takes now: whose picture (a camera, or a shared screen) and whose voice. */
export interface ProgramFeed {
  video: string | null;
  /** The picture is that participant's shared screen, not its camera. */
  screen: boolean;
  /** Whose camera is beside the content while a screen is on show (the speaker, else the hub). */
  speaker: string | null;
  audio: string | null;
}

/**
 * What the program shows and carries now, as the recorder takes it: a shared screen while one is the content, else
 * the picture of the speaker (floor holder or scan site) or else the hub's; the floor holder's voice or else the
 * hub's. `null` when nobody can fill it.
 */
export function programFeed(state: MeetingState, participants: readonly MediaParticipant[], now: number): ProgramFeed {
  const { hub, speaker, holder } = programSources(state, participants, now);
  const content = contentSource(state, participants);

  const camera = (speaker ?? hub)?.id ?? null;

  return {
    video: content?.id ?? camera,
    screen: content !== null,
    speaker: content === null ? null : camera,
    audio: (holder ?? hub)?.id ?? null,
  };
}

/**
 * Who fills the program now: the hub (the first chair on the bridge, then a co-chair), the speaker (floor holder or
 * scan site) and the floor holder heard. While this meeting relays its parent (linked meetings), the parent's hub and
 * speaker piped down take those places.
 */
export function programSources(
  state: MeetingState,
  participants: readonly MediaParticipant[],
  now: number,
): { hub: MediaParticipant | null; speaker: MediaParticipant | null; holder: MediaParticipant | null } {
  const local = participants.filter((p) => p.relayed === undefined);
  const ofPoint = (pointId: string | null) =>
    pointId === null ? null : (local.find((p) => p.pointId === pointId) ?? null);
  const localHub = local.find((p) => p.role === 'chair') ?? local.find((p) => p.role === 'cochair') ?? null;
  if (programOrigin(state) === 'parent') {
    const parentHub = participants.find((p) => p.relayed === 'parentHub') ?? null;
    // One of ours speaks at the parent: seen and heard from here, beside the parent's hub.
    const parentSpeaker = speaksHere(state)
      ? ofPoint(state.floor?.pointId ?? null)
      : (participants.find((p) => p.relayed === 'parentSpeaker') ?? null);

    return { hub: parentHub ?? localHub, speaker: parentSpeaker, holder: parentSpeaker };
  }

  return {
    hub: localHub,
    speaker: ofPoint(programSpeaker(state, now)),
    holder: ofPoint(state.floor?.pointId ?? null),
  };
}

/** The room at the head of the speaker queue, on this bridge: the likely next speaker (its program source kept warm). */
export function nextSpeaker(state: MeetingState, participants: readonly MediaParticipant[]): MediaParticipant | null {
  const head = state.requests[state.queue[0] ?? '']?.pointId;

  return head === undefined ? null : (participants.find((p) => p.pointId === head && p.relayed === undefined) ?? null);
}

/**
 * The console whose shared screen is the meeting's content: while the meeting shows a screen, the presenter's console
 * that shares one (a hub console for the hub, the point's room for a point); while it relays a screen its parent
 * shows, that screen piped down.
 */
export function contentSource(state: MeetingState, participants: readonly MediaParticipant[]): MediaParticipant | null {
  const content = state.content;
  if (content === null && relayedScreen(state) !== null) {
    return participants.find((p) => p.relayed === 'parentScreen') ?? null;
  }
  if (content?.kind !== 'screen') {
    return null;
  }
  const presents = (p: MediaParticipant) =>
    content.presenter === state.def.hubPointId
      ? CHAIRS.has(p.role) && p.relayed === undefined
      : p.pointId === content.presenter;

  return participants.find((p) => p.sharing === true && presents(p)) ?? null;
}

export function planRouting(
  state: MeetingState,
  participants: readonly MediaParticipant[],
  now: number,
  { gridPageSize = MAX_GRID_PAGE, gridPages = new Map(), maxOpenPoints = 3 }: RoutingOptions = {},
): RoutingPlan {
  const byPoint = new Map<string, MediaParticipant>();
  for (const p of participants) {
    if (p.pointId !== null && !byPoint.has(p.pointId)) {
      byPoint.set(p.pointId, p);
    }
  }
  const { hub, speaker, holder: heard } = programSources(state, participants, now);
  const content = contentSource(state, participants);

  const openMics = new Set<string>();
  if (state.mics.chairsOpen) {
    participants.filter((p) => CHAIRS.has(p.role) && p.relayed === undefined).forEach((p) => openMics.add(p.id));
  }
  // Relaying the parent, its hub is heard as the hub is.
  if (hub?.relayed !== undefined) {
    openMics.add(hub.id);
  }
  // Only the floor holder speaks by right; an auto-scan site is seen, not heard.
  const holder = heard ?? undefined;
  if (holder !== undefined) {
    openMics.add(holder.id);
  }
  const openPoints = state.mics.openPoints
    .map((pointId) => byPoint.get(pointId))
    .filter((p): p is MediaParticipant => p !== undefined && p.id !== holder?.id)
    .slice(0, maxOpenPoints);
  openPoints.forEach((p) => openMics.add(p.id));

  const points = state.def.invitedPointIds
    .map((id) => byPoint.get(id))
    .filter((p): p is MediaParticipant => p !== undefined);
  const byParticipant = new Map<string, ParticipantRouting>();
  for (const p of participants) {
    const audio = [...openMics].filter((id) => id !== p.id);
    let grid: Source[] = [];
    if (STAFF.has(p.role)) {
      const selection = gridPages.get(p.id) ?? 0;
      if (typeof selection === 'number') {
        const pages = Math.max(1, Math.ceil(points.length / gridPageSize));
        const page = Math.min(Math.max(0, selection), pages - 1);
        grid = points.slice(page * gridPageSize, (page + 1) * gridPageSize).map((q) => q.id);
      } else {
        grid = selection
          .map((pointId) => byPoint.get(pointId)?.id)
          .filter((id): id is string => id !== undefined)
          .slice(0, gridPageSize);
      }
    }
    byParticipant.set(p.id, {
      program: [hub?.id === p.id ? null : (hub?.id ?? null), speaker?.id === p.id ? null : (speaker?.id ?? null)],
      audio,
      grid,
      content: content === null || content.id === p.id ? null : content.id,
    });
  }

  return { byParticipant, openMics };
}

/** A link as one of its ends sees it: the parent's end pipes one child (`unitId`), the child's end pipes up. */
export type LinkSide = { kind: 'parent'; unitId: string } | { kind: 'child' };

/** A source of this bridge sent across a link, as what the far side shows it. */
export interface OutgoingSource {
  participant: MediaParticipant;
  as: 'hall' | 'point' | 'hub' | 'speaker' | 'screen';
  pointId: string | null;
}

/**
 * Which sources cross a link (pure): only what the far side shows. Up, the child's hall (its chair's camera) and the
 * point holding the parent's floor; down, while the child shows the parent's program, the parent's hub, speaker and
 * the screen on show, except a source that came from that child (no loop, no echo of a room to itself).
 */
export function linkOutgoing({
  state,
  participants,
  side,
  program,
  childWantsProgram,
}: {
  state: MeetingState;
  participants: readonly MediaParticipant[];
  side: LinkSide;
  /** The bridge's program now (its hub and speaker sources). */
  program: { hub: MediaParticipant | null; speaker: MediaParticipant | null };
  /** Parent side: whether the child shows the parent's program now. */
  childWantsProgram: boolean;
}): OutgoingSource[] {
  const out: OutgoingSource[] = [];
  if (side.kind === 'child') {
    const hall =
      participants.find((p) => p.role === 'chair' && p.relayed === undefined) ??
      participants.find((p) => p.role === 'cochair' && p.relayed === undefined);
    if (hall !== undefined) {
      out.push({ participant: hall, as: 'hall', pointId: state.def.hubPointId });
    }
    const floor = state.floor;
    if (floor?.fromParent === true && floor.pointId !== state.def.hubPointId) {
      const holder = participants.find((p) => p.pointId === floor.pointId && p.relayed === undefined);
      if (holder !== undefined) {
        out.push({ participant: holder, as: 'point', pointId: floor.pointId });
      }
    }

    return out;
  }
  if (!childWantsProgram) {
    return out;
  }
  const fromThisChild = (p: MediaParticipant | null) =>
    p !== null && p.pointId !== null && childOf(state, p.pointId)?.unitId === side.unitId;
  const { hub, speaker } = program;
  if (hub !== null && !fromThisChild(hub)) {
    out.push({ participant: hub, as: 'hub', pointId: null });
  }
  if (speaker !== null && speaker.id !== hub?.id && !fromThisChild(speaker)) {
    out.push({ participant: speaker, as: 'speaker', pointId: null });
  }
  const screen = contentSource(state, participants);
  if (screen !== null && !fromThisChild(screen)) {
    out.push({ participant: screen, as: 'screen', pointId: null });
  }

  return out;
}
