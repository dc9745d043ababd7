import { placesOfContent, shownOf, type ShownContent } from '../content/contentRecord.js';
import { DirectoryIndex } from '../directory/directory.js';
import type { MeetingEvent } from '../core/events.js';
import type { AgendaKind, ChairPerson, MeetingState } from '../core/model.js';
import { assigneeOf, turnLog, type LoggedTurn } from './record.js';
import { type Task } from './types.js';
import { meetingRollCall } from '../rollCall/attendance.js';
import { recordedSeconds, recordingOffset, type RecordedSpan } from './recording.js';
import { streamSpans, type StreamSpan } from '../stream/stream.js';
import { tallyRollCall, type TallyCounts } from '../rollCall/rollCall.js';

/** One turn at the floor as the minutes tell it (with the secretary's summary and where it is in the recording). */
export interface MinutesTurn extends LoggedTurn {
  /** Seconds from the recording's start, or null when the meeting was not recorded then. */
  recordingOffsetSec: number | null;
  /** Documents (and their pages) or a screen shown during the turn. */
  shown: ShownContent[];
}

export interface MinutesSection {
  title: string;
  kind: AgendaKind;
  /** Who presents it, as the agenda says (a role code or a name), or null. */
  by: string | null;
  /** When the chair moved to this item (the first item: when the session started). */
  startedAt: number | null;
  turns: MinutesTurn[];
  /** What the hub showed while this item was current, outside the turns. */
  presented: ShownContent[];
}

export interface MinutesAttendanceRow {
  unitId: string;
  name: string;
  invited: number;
  present: number;
  late: number;
  absent: number;
  noSignal: number;
  /** People at the points that confirmed (số đại biểu). */
  headcount: number;
}

/** Everything a biên bản says, from a meeting's state and log (pure; rendered by server/export/minutesDocx.ts). */
export interface Minutes {
  meetingId: string;
  title: string;
  /** The issuing body: the hub's own unit ("Tỉnh Bắc Giang"). */
  issuingBody: string;
  hubName: string;
  invitedCount: number;
  scheduledStart: number;
  startedAt: number | null;
  endedAt: number | null;
  chairs: ChairPerson[];
  /** From the meeting's first roll call of every point, with its re-runs; null when no roll call was held. */
  attendance: { heldAt: number; byUnit: MinutesAttendanceRow[]; totals: MinutesAttendanceRow } | null;
  sections: MinutesSection[];
  /** Petitions (kiến nghị) that had the floor, with the departments' answers. */
  petitions: MinutesTurn[];
  /** The secretary who kept the record (the person on its link), or null. */
  secretary: string | null;
  conclusion: string | null;
  /** Tasks assigned, each with whom it goes to in words. */
  tasks: MinutesTask[];
  /** The program recording, when the meeting was recorded: its file and length. */
  recording: { file: string; durationSec: number } | null;
  /** The meeting's documents, with the agenda item each belongs to. */
  documents: { name: string; agendaTitle: string | null; pages: number | null }[];
  /** When the meeting was live to the public. */
  streamed: StreamSpan[];
}

export interface MinutesTask extends Task {
  /** The unit's name, the department, or both ("Xã Tân Sơn; Sở Xây dựng"). */
  assignee: string;
}

export function minutesOf(
  state: MeetingState,
  events: readonly MeetingEvent[],
  /** The program recording's file and spans, and the time (`now`) a span still open runs to. */
  recording: { file: string; spans: readonly RecordedSpan[]; now: number } | null = null,
): Minutes {
  const index = new DirectoryIndex(state.def);
  const def = state.def;
  const hubPoint = index.points.get(def.hubPointId);
  const hubUnit = hubPoint === undefined ? undefined : index.units.get(hubPoint.unitCode);
  const spans = recording?.spans ?? [];
  const places = placesOfContent(events);
  const turns = turnLog(state, index).map((turn) => ({
    ...turn,
    recordingOffsetSec: recordingOffset(spans, turn.grantedAt, recording?.now ?? turn.grantedAt),
    shown: shownOf(
      events,
      places.filter((p) => p.turn === turn.turn).map((p) => p.event),
    ),
  }));

  return {
    meetingId: def.id,
    title: def.title,
    issuingBody: hubUnit?.name ?? hubPoint?.name ?? def.hubPointId,
    hubName: hubPoint?.name ?? def.hubPointId,
    invitedCount: def.invitedPointIds.length,
    scheduledStart: def.scheduledStart,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    chairs: def.chairs,
    attendance: attendanceOf(state, index),
    sections: sectionsOf(state, events, turns, places),
    petitions: turns.filter((turn) => turn.kind === 'petition'),
    secretary: events.findLast((e) => e.by.role === 'secretary' && e.by.person !== undefined)?.by.person?.name ?? null,
    conclusion: state.record.conclusion,
    tasks: state.record.tasks.map((task) => ({ ...task, assignee: assigneeOf(task, index) })),
    recording: recording === null ? null : { file: recording.file, durationSec: recordedSeconds(spans, recording.now) },
    streamed: streamSpans(events),
    documents: state.documents.map((d) => ({
      name: d.name,
      agendaTitle: d.agendaIndex === null ? null : (def.agenda[d.agendaIndex]?.title ?? null),
      pages: d.pages,
    })),
  };
}

/** Turns fall under the agenda item that was current when they were granted. */
function sectionsOf(
  state: MeetingState,
  events: readonly MeetingEvent[],
  turns: MinutesTurn[],
  places: ReturnType<typeof placesOfContent>,
): MinutesSection[] {
  const starts: (number | null)[] = state.def.agenda.map((_, i) => (i === 0 ? state.startedAt : null));
  const moves: { at: number; index: number }[] = [];
  for (const event of events) {
    if (event.type === 'AgendaAdvanced') {
      moves.push({ at: event.at, index: event.index });
      starts[event.index] ??= event.at;
    }
  }
  const itemAt = (at: number) => moves.filter((m) => m.at <= at).at(-1)?.index ?? 0;

  return state.def.agenda.map((item, i) => ({
    title: item.title,
    kind: item.kind,
    by: item.by,
    startedAt: starts[i] ?? null,
    turns: turns.filter((turn) => itemAt(turn.grantedAt) === i),
    // What was shown outside the turns, under the item current then.
    presented: shownOf(
      events,
      places.filter((p) => p.turn === null && p.item === i).map((p) => p.event),
    ),
  }));
}

/** The first whole-meeting roll call, combined with its latest re-run (a point found by a re-run came late). */
function attendanceOf(state: MeetingState, index: DirectoryIndex): Minutes['attendance'] {
  const rollCall = meetingRollCall(state);
  if (rollCall === null) {
    return null;
  }
  const tally = tallyRollCall(state, rollCall.latest, index);
  const row = (unitId: string, name: string, counts: TallyCounts): MinutesAttendanceRow => ({
    unitId,
    name,
    invited: counts.present + counts.late + counts.absent + counts.noSignal + counts.pending,
    present: counts.present,
    late: counts.late,
    // Still unanswered when the minutes are drawn: not there.
    absent: counts.absent + counts.pending,
    noSignal: counts.noSignal,
    headcount: counts.headcount,
  });

  return {
    heldAt: rollCall.first.startedAt,
    byUnit: tally.byUnit.map((g) => row(g.unitId, g.name, g.counts)),
    totals: row('', 'Tổng', tally.totals),
  };
}
