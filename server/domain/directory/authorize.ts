import type { Command, CommandType } from '../core/commands.js';
import { DomainError } from '../core/errors.js';
import type { Actor, Role } from '../core/model.js';

type Allowed = Role | 'system' | 'admin';

const CHAIRS: Allowed[] = ['chair', 'cochair'];
const RECORDERS: Allowed[] = ['secretary', 'chair', 'cochair'];

/**
 * Who may issue each command. Commands a point sends name a `pointId`; a point may only name itself.
 * This table is the single source for the authorization matrix test.
 */
export const PERMISSIONS: Record<CommandType, readonly Allowed[]> = {
  // The office changes a meeting it prepared, over HTTP (the organizer's console or the API key).
  'meeting.amend': ['admin'],
  'meeting.open': CHAIRS,
  'meeting.start': CHAIRS,
  'meeting.end': CHAIRS,
  'agenda.advance': CHAIRS,
  'point.connect': ['system'],
  'point.disconnect': ['system'],
  'point.readiness': ['point'],
  'floor.request': ['point'],
  'floor.withdraw': ['point'],
  'floor.release': ['point'],
  'floor.grant': CHAIRS,
  'floor.deny': CHAIRS,
  'floor.reorder': CHAIRS,
  'floor.setPriority': CHAIRS,
  'floor.revoke': CHAIRS,
  'floor.next': CHAIRS,
  'floor.setLimit': CHAIRS,
  'floor.answer': CHAIRS,
  'rollcall.start': CHAIRS,
  'rollcall.rerun': CHAIRS,
  'rollcall.confirm': ['point'],
  'rollcall.close': CHAIRS,
  'point.link': ['system'],
  'alert.acknowledge': ['technician', 'chair', 'cochair'],
  'alerts.evaluate': ['system'],
  'mic.muteAll': CHAIRS,
  'mic.set': CHAIRS,
  'scan.set': CHAIRS,
  'audit.record': ['admin', 'chair', 'cochair', 'technician', 'observer', 'secretary'],
  // The record: the secretary keeps it; a chair may when there is none.
  'record.summarize': RECORDERS,
  'record.conclude': RECORDERS,
  'task.assign': RECORDERS,
  // …and the office follows the tasks up after the meeting.
  'task.setStatus': [...RECORDERS, 'admin'],
  // The recorder reports what it does; nobody else may claim it.
  'recording.report': ['system'],
  // The live stream is started and stopped by the office or a chair (over HTTP), and fails by itself.
  'stream.report': ['chair', 'cochair', 'admin', 'system'],
  // The office sets it up; a chair closes a part of the meeting to the public (the card) as the office may.
  'stream.configure': ['admin'],
  'stream.card': ['chair', 'cochair', 'admin'],
  tick: ['system'],
  // Linked meetings: a link's reports are executed by the server for the link (checked against what the link may
  // name in the domain); the office links and unlinks over HTTP; the chair relays, forwards and answers for the hall.
  'link.attach': ['system'],
  'link.lost': ['system'],
  'link.detach': ['system'],
  'link.presence': ['system'],
  'link.confirm': ['system'],
  'link.floorRequest': ['system'],
  'link.floorWithdraw': ['system'],
  'link.release': ['system'],
  'uplink.configure': ['admin'],
  'uplink.remove': ['admin'],
  'uplink.state': ['system'],
  'uplink.relay': CHAIRS,
  'uplink.slides': ['system'],
  'uplink.screen': ['system'],
  'floor.forward': CHAIRS,
  'uplink.rollCall': ['system'],
  'uplink.rollCallClosed': ['system'],
  'uplink.turn': ['system'],
  'uplink.turnWarned': ['system'],
  'uplink.turnEnded': ['system'],
  'uplink.denied': ['system'],
  'uplink.queue': ['system'],
  'hall.confirm': CHAIRS,
  'document.attach': ['admin'],
  'document.remove': ['admin'],
  'document.prepared': ['system'],
  'document.failed': ['system'],
  // The hub's consoles present as the hub; a point presents while it holds the floor (checked in the domain).
  'slides.show': [...CHAIRS, 'point'],
  'screen.start': [...CHAIRS, 'point'],
  'content.stop': [...CHAIRS, 'point'],
  'content.keep': CHAIRS,
};

/** Commands where a point must name itself (staff name no point: they act for the hub). */
const NAMES_ITS_POINT: ReadonlySet<CommandType> = new Set(['slides.show', 'screen.start', 'content.stop']);

/** Throws `NOT_CHAIR`, `FORBIDDEN` or `NOT_YOUR_POINT` unless the actor may issue the command. */
export function authorize(command: Command, actor: Actor): void {
  if (actor.role === 'system') {
    return;
  }
  const allowed = PERMISSIONS[command.type];
  if (!allowed.includes(actor.role)) {
    throw allowed.every((role) => CHAIRS.includes(role)) ? DomainError.notChair() : DomainError.forbidden(command.type);
  }
  const named = 'pointId' in command ? command.pointId : undefined;
  if (actor.role === 'point' && (named !== undefined || NAMES_ITS_POINT.has(command.type)) && named !== actor.pointId) {
    throw DomainError.notYourPoint();
  }
}
