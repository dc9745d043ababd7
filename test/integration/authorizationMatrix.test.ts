import { describe, expect, it } from 'vitest';
import type { Role } from '../../server/domain/core/model.js';
import { connectMeeting, request, type MeetingSocket } from '../../server/protocol/client.js';
import { REQUEST_NAMES, type RequestName } from '../../server/protocol/requests.js';
import { smallMeetingInput } from '../helpers/domain.js';
import { startTestServer } from '../helpers/server.js';

type Column = 'chair' | 'cochair' | 'point itself' | 'point for another' | 'technician' | 'observer' | 'secretary';
const COLUMNS: Column[] = [
  'chair',
  'cochair',
  'point itself',
  'point for another',
  'technician',
  'observer',
  'secretary',
];
const STAFF: Column[] = ['chair', 'cochair', 'technician', 'observer', 'secretary'];
const CHAIRS: Column[] = ['chair', 'cochair'];
const RECORDERS: Column[] = ['secretary', 'chair', 'cochair'];
const CONNECTED: Column[] = ['chair', 'cochair', 'point itself', 'technician', 'observer', 'secretary'];

/** Who may do what, written out by hand (not derived from the code it checks). */
const ALLOWED: Record<RequestName, Column[]> = {
  'meeting:open': CHAIRS,
  'meeting:start': CHAIRS,
  'meeting:end': CHAIRS,
  'meeting:snapshot': CONNECTED,
  'agenda:advance': CHAIRS,
  'point:readiness': ['point itself'],
  'floor:request': ['point itself'],
  'floor:withdraw': ['point itself'],
  'floor:release': ['point itself'],
  'floor:grant': CHAIRS,
  'floor:deny': CHAIRS,
  'floor:forward': CHAIRS,
  'uplink:relay': CHAIRS,
  'rollcall:confirmHall': CHAIRS,
  'floor:reorder': CHAIRS,
  'floor:priority': CHAIRS,
  'floor:revoke': CHAIRS,
  'floor:next': CHAIRS,
  'floor:limit': CHAIRS,
  'floor:answer': CHAIRS,
  'rollcall:start': CHAIRS,
  'rollcall:rerun': CHAIRS,
  'rollcall:confirm': ['point itself'],
  'rollcall:close': CHAIRS,
  'rollcall:tally': STAFF,
  'attendance:get': STAFF,
  'telemetry:sample': ['point itself'],
  'telemetry:history': STAFF,
  'telemetry:latest': STAFF,
  'alert:ack': ['chair', 'cochair', 'technician'],
  'auth:refresh': CONNECTED,
  'mic:muteAll': CHAIRS,
  'mic:set': CHAIRS,
  'scan:set': CHAIRS,
  'record:summary': RECORDERS,
  'record:conclusion': RECORDERS,
  'task:assign': RECORDERS,
  'task:status': RECORDERS,
  // A point presents while it holds the floor (the domain says when); staff other than chairs never.
  'slides:show': [...CHAIRS, 'point itself'],
  'screen:start': [...CHAIRS, 'point itself'],
  'content:stop': [...CHAIRS, 'point itself'],
  'content:keep': CHAIRS,
  'media:join': CONNECTED,
  'media:answer': CONNECTED,
  'media:restart': CONNECTED,
  'media:page': STAFF,
  'media:leave': CONNECTED,
  'media:capabilities': CONNECTED,
  'media:transport': CONNECTED,
  'media:connect': CONNECTED,
  'media:produce': CONNECTED,
  'media:resume': CONNECTED,
  'media:screen': CONNECTED,
};

const presiding = { name: 'Trần Văn Hải', title: 'Bí thư Đảng ủy xã' };
/** A well-formed payload for each request, so that only authorization can refuse it. */
const PAYLOADS: Record<RequestName, object> = {
  'meeting:open': {},
  'meeting:start': {},
  'meeting:end': {},
  'meeting:snapshot': {},
  'agenda:advance': {},
  'point:readiness': { camera: true, microphone: true, network: true },
  'floor:request': { kind: 'speech' },
  'floor:withdraw': {},
  'floor:release': {},
  'floor:grant': { pointId: 'DC-X4' },
  'floor:deny': { requestId: 'r999' },
  'floor:forward': { requestId: 'r999' },
  'uplink:relay': { relaying: false },
  'rollcall:confirmHall': { headcount: 20, presiding },
  'floor:reorder': { requestId: 'r999', position: 1 },
  'floor:priority': { requestId: 'r999', priority: 1 },
  'floor:revoke': {},
  'floor:next': {},
  'floor:limit': { limitSec: 120 },
  'floor:answer': { requestId: 'r999', answeredBy: 'Sở Nội vụ', text: 'Tiếp thu.' },
  'rollcall:start': { deadlineSec: 60 },
  'rollcall:rerun': { rollCallId: 'rc999' },
  'rollcall:confirm': { headcount: 9, presiding },
  'rollcall:close': {},
  'rollcall:tally': {},
  'attendance:get': {},
  'telemetry:sample': { lossPct: 1, rttMs: 50 },
  'telemetry:history': { pointId: 'DC-X1' },
  'telemetry:latest': {},
  'alert:ack': { alertId: 'speaker_degraded:DC-X1' },
  'auth:refresh': {},
  'mic:muteAll': { exceptChairs: true },
  'mic:set': { target: 'DC-X3', open: true },
  'scan:set': { pointIds: ['DC-X1', 'DC-X2'], intervalSec: 10 },
  'record:summary': { turn: 0, text: 'Xã báo cáo tiến độ giải phóng mặt bằng.' },
  'record:conclusion': { text: 'Đồng chí chủ trì kết luận.' },
  'task:assign': { text: 'Hoàn thành giải phóng mặt bằng', unitId: 'X1', deadline: '2026-12-31' },
  'task:status': { taskId: 't1', status: 'done' },
  'slides:show': { documentId: 'd999', page: 1 },
  'screen:start': {},
  'content:stop': {},
  'content:keep': { kept: true },
  'media:join': {},
  'media:answer': { sdp: 'v=0\r\nnot really an answer' },
  'media:restart': {},
  'media:page': { page: 1 },
  'media:leave': {},
  'media:capabilities': { rtpCapabilities: { codecs: [] } },
  'media:transport': { direction: 'recv' },
  'media:connect': { transportId: 't1', dtlsParameters: { role: 'client', fingerprints: [] } },
  'media:produce': { transportId: 't1', kind: 'audio', rtpParameters: { codecs: [] } },
  'media:resume': { consumerId: 'c1' },
  'media:screen': { sharing: false },
};

const DENIED = new Set(['NOT_CHAIR', 'FORBIDDEN', 'NOT_YOUR_POINT']);
const TOKEN_ROLE: Record<Column, [Role, string?]> = {
  chair: ['chair'],
  cochair: ['cochair'],
  'point itself': ['point', 'DC-X1'],
  'point for another': ['point', 'DC-X1'],
  technician: ['technician'],
  observer: ['observer'],
  secretary: ['secretary'],
};
// meeting:end last: once a meeting ends, nothing else can change it.
const ORDER = [...REQUEST_NAMES.filter((n) => n !== 'meeting:end'), 'meeting:end'] as RequestName[];

describe('authorization matrix', () => {
  it('exactly the allowed cells of every request × every role succeed', async () => {
    const seen: Record<string, Record<string, 'allowed' | 'denied'>> = {};
    for (const column of COLUMNS) {
      const t = await startTestServer({ env: { RATE_LIMIT_MULTIPLIER: '10' } });
      try {
        const [role, pointId] = TOKEN_ROLE[column];
        const { socket } = await t.connect(role, pointId);
        await request(socket, 'meeting:start', {}); // a chair-only command: refused for the others
        for (const name of ORDER) {
          // Acting for another point: name it in the payload, the only way a client could try.
          const payload = column === 'point for another' ? { ...PAYLOADS[name], pointId: 'DC-X2' } : PAYLOADS[name];
          const ack = await request(socket, name, payload as never);
          // A strict schema refusing the extra pointId is how "for another point" is denied; elsewhere a
          // validation error means authorization passed (e.g. an SDP the bridge rejects).
          const denied =
            !ack.ok &&
            (DENIED.has(ack.error.code) || (column === 'point for another' && ack.error.code === 'VALIDATION_FAILED'));
          const outcome = denied ? 'denied' : 'allowed';
          (seen[name] ??= {})[column] = outcome;
        }
      } finally {
        await t.close();
      }
    }
    const expected = Object.fromEntries(
      ORDER.map((name) => [
        name,
        Object.fromEntries(COLUMNS.map((c) => [c, ALLOWED[name].includes(c) ? 'allowed' : 'denied'])),
      ]),
    );
    expect(seen).toEqual(expected);
  });

  it('no token, an expired token or a forged one cannot connect at all', async () => {
    const t = await startTestServer();
    try {
      const expired = (await t.server.tokens.issue({ meetingId: 'm1', role: 'chair', ttlSec: -1 })).token;
      for (const [token, code] of [
        ['', 'UNAUTHENTICATED'],
        [expired, 'TOKEN_EXPIRED'],
        [`${await t.token('chair')}x`, 'UNAUTHENTICATED'],
      ] as const) {
        await expect(connectMeeting(t.url, token, { reconnection: false })).rejects.toMatchObject({ code });
      }
    } finally {
      await t.close();
    }
  });

  it("a token for another meeting acts only on that meeting: this meeting's log is untouched", async () => {
    const t = await startTestServer();
    let other: MeetingSocket | undefined;
    try {
      await t.server.meetings.createMeeting({ ...smallMeetingInput(), id: 'm2' });
      const before = t.meeting.state.seq;
      other = (await connectMeeting(t.url, await t.token('chair', undefined, 'm2'), { reconnection: false })).socket;
      for (const name of ORDER) {
        await request(other, name, PAYLOADS[name] as never);
      }
      expect(t.meeting.state.seq).toBe(before);
      expect(t.server.meetings.get('m2').state.seq).toBeGreaterThan(1);
      const foreign = await fetch(`${t.url}/api/meetings/m1/attendance.csv`, {
        headers: { authorization: `Bearer ${await t.token('chair', undefined, 'm2')}` },
      });
      expect(foreign.status).toBe(403);
    } finally {
      other?.close();
      await t.close();
    }
  });
});
