import type { Command } from '../domain/core/commands.js';
import type { RequestName, RequestPayload } from '../protocol/requests.js';

/** Requests that only read (answered from state or telemetry) or feed telemetry; all others are domain commands. */
export const QUERY_REQUESTS = [
  'meeting:snapshot',
  'rollcall:tally',
  'attendance:get',
  'telemetry:sample',
  'telemetry:history',
  'telemetry:latest',
  'auth:refresh',
  'media:join',
  'media:answer',
  'media:restart',
  'media:page',
  'media:capabilities',
  'media:transport',
  'media:connect',
  'media:produce',
  'media:resume',
  'media:leave',
  'media:screen',
] as const satisfies readonly RequestName[];

type CommandRequest = Exclude<RequestName, (typeof QUERY_REQUESTS)[number]>;

/**
 * How each command request becomes a domain command. `self` is the point the token names (null for staff): points
 * never say who they are, so a point cannot act for another.
 */
export const REQUEST_COMMANDS: { [E in CommandRequest]: (payload: RequestPayload<E>, self: string) => Command } = {
  'meeting:open': () => ({ type: 'meeting.open' }),
  'meeting:start': () => ({ type: 'meeting.start' }),
  'meeting:end': () => ({ type: 'meeting.end' }),
  'agenda:advance': (p) => ({ type: 'agenda.advance', index: p.index }),
  'point:readiness': (p, self) => ({ type: 'point.readiness', pointId: self, ...p }),
  'floor:request': (p, self) => ({ type: 'floor.request', pointId: self, ...p }),
  'floor:withdraw': (p, self) => ({ type: 'floor.withdraw', pointId: self, requestId: p.requestId }),
  'floor:release': (_p, self) => ({ type: 'floor.release', pointId: self }),
  'floor:grant': (p) => ({ type: 'floor.grant', ...p }),
  'floor:deny': (p) => ({ type: 'floor.deny', ...p }),
  'floor:forward': (p) => ({ type: 'floor.forward', ...p }),
  'uplink:relay': (p) => ({ type: 'uplink.relay', ...p }),
  'rollcall:confirmHall': (p) => ({ type: 'hall.confirm', ...p }),
  'floor:reorder': (p) => ({ type: 'floor.reorder', ...p }),
  'floor:priority': (p) => ({ type: 'floor.setPriority', ...p }),
  'floor:revoke': () => ({ type: 'floor.revoke' }),
  'floor:next': (p) => ({ type: 'floor.next', ...p }),
  'floor:limit': (p) => ({ type: 'floor.setLimit', ...p }),
  'floor:answer': (p) => ({ type: 'floor.answer', ...p }),
  'rollcall:start': (p) => ({ type: 'rollcall.start', ...p }),
  'rollcall:rerun': (p) => ({ type: 'rollcall.rerun', ...p }),
  'rollcall:confirm': (p, self) => ({ type: 'rollcall.confirm', pointId: self, ...p }),
  'rollcall:close': (p) => ({ type: 'rollcall.close', ...p }),
  'alert:ack': (p) => ({ type: 'alert.acknowledge', ...p }),
  'mic:muteAll': (p) => ({ type: 'mic.muteAll', ...p }),
  'mic:set': (p) => ({ type: 'mic.set', ...p }),
  'scan:set': (p) => ({ type: 'scan.set', ...p }),
  'record:summary': (p) => ({ type: 'record.summarize', ...p }),
  'record:conclusion': (p) => ({ type: 'record.conclude', ...p }),
  'task:assign': (p) => ({ type: 'task.assign', ...p }),
  'task:status': (p) => ({ type: 'task.setStatus', ...p }),
  // Staff present as the hub and name no point; a point names itself.
  'slides:show': (p, self) => ({ type: 'slides.show', ...p, ...(self === '' ? {} : { pointId: self }) }),
  'screen:start': (_p, self) => ({ type: 'screen.start', ...(self === '' ? {} : { pointId: self }) }),
  'content:stop': (_p, self) => ({ type: 'content.stop', ...(self === '' ? {} : { pointId: self }) }),
  'content:keep': (p) => ({ type: 'content.keep', ...p }),
};

export const COMMAND_REQUESTS = Object.keys(REQUEST_COMMANDS) as CommandRequest[];
