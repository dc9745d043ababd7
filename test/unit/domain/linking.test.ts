import { describe, expect, it } from 'vitest';
import { replay } from '../../../server/domain/apply.js';
import type { Directory } from '../../../server/domain/directory/directory.js';
import { MAX_LINKED_POINTS, unreachablePoints } from '../../../server/domain/linking/linking.js';
import { tallyByChild } from '../../../server/domain/linking/rollUp.js';
import { childrenToReceive, programOrigin, speaksHere } from '../../../server/domain/linking/program.js';
import { type ChildReport } from '../../../server/domain/linking/types.js';
import {
  relayedScreen,
  relayedSlides,
  screenForChildren,
  slidesForChildren,
} from '../../../server/domain/linking/relayedContent.js';
import { nextLocalRequest } from '../../../server/domain/floor/floor.js';
import { LINKED_ANSWER_GRACE_MS, tallyRollCall } from '../../../server/domain/rollCall/rollCall.js';
import { linkNotices, parentStanding } from '../../../server/linking/linkNotices.js';
import { CHAIR, codeOf, Meeting, point, SYSTEM, smallMeetingInput } from '../../helpers/domain.js';

const LINK = { role: 'system', via: 'link' } as const;
const presiding = { name: 'Lê Thị Hoa', title: 'Chủ tịch UBND xã' };

/** The nation: a hub and two provinces, each with its hall point in the national directory. */
function nationDirectory(): Directory {
  const units = [
    { code: 'VN', name: 'Trung ương', level: 'nation', parentCode: null },
    { code: 'P1', name: 'Tỉnh Một', level: 'province', parentCode: 'VN' },
    { code: 'P2', name: 'Tỉnh Hai', level: 'province', parentCode: 'VN' },
  ];
  const points = [
    { code: 'TW', name: 'Điểm cầu Trung ương', level: 'nation', unitCode: 'VN', technician: null },
    { code: 'DC-P2', name: 'Điểm cầu Tỉnh Hai', level: 'province', unitCode: 'P2', technician: null },
  ];

  return { units, points };
}

const national = () =>
  new Meeting(smallMeetingInput({ hubPointId: 'TW', invite: { units: ['P1', 'P2'] } }), nationDirectory());

/** Province P1's own meeting as it reports itself: the hall, two communes under a district-less tree. */
function provinceReport(overrides: Partial<ChildReport> = {}): ChildReport {
  return {
    meetingId: 'tinh-1',
    title: 'Giao ban tỉnh Một',
    hub: { code: 'DC-T', name: 'Hội trường Tỉnh ủy', level: 'province', unitCode: 'T', technician: null },
    units: [
      { code: 'T', name: 'Tỉnh Một', level: 'province', parentCode: null },
      { code: 'X1', name: 'Xã Tân Sơn', level: 'commune', parentCode: 'T' },
      { code: 'X2', name: 'Xã Đông Hà', level: 'commune', parentCode: 'T' },
    ],
    points: [
      { code: 'DC-X1', name: 'Điểm cầu Xã Tân Sơn', level: 'commune', unitCode: 'X1', technician: null },
      { code: 'DC-X2', name: 'Điểm cầu Xã Đông Hà', level: 'commune', unitCode: 'X2', technician: null },
    ],
    connected: ['DC-X1'],
    lineage: ['tinh-1'],
    ...overrides,
  };
}

const attach = (m: Meeting, report = provinceReport(), tokenId = 'tok-1') =>
  m.run({ type: 'link.attach', unitId: 'P1', tokenId, report }, LINK);

describe('linked meetings: the parent side', () => {
  it("a meeting of the centre's own unit holds the provinces without rooms here as its units (invited by linking)", () => {
    const m = new Meeting(smallMeetingInput({ hubPointId: 'TW', invite: { units: ['VN'] } }), nationDirectory());
    const units = m.state.def.units.map((u) => u.code);
    // P1 has no point here: it is a unit of the meeting, to be linked in. P2's hall point is invited as a room.
    expect(units).toEqual(['VN', 'P1', 'P2']);
    expect(m.state.def.invitedPointIds).toEqual(['DC-P2']);
  });

  it("places a child's hall and points under the invited unit, and counts them as invited", () => {
    const m = national();
    m.run({ type: 'meeting.open' });
    attach(m);
    const link = m.state.links.P1!;
    expect(link.hallPointId).toBe('P1.DC-T');
    expect(m.state.def.invitedPointIds).toEqual(['DC-P2', 'P1.DC-T', 'P1.DC-X1', 'P1.DC-X2']);
    expect(m.state.def.units.find((u) => u.code === 'P1.X1')?.parentCode).toBe('P1');
    expect(m.state.def.points.find((p) => p.code === 'P1.DC-T')?.unitCode).toBe('P1');
    // Presence as the child has it.
    expect(m.state.points['P1.DC-X1']?.connected).toBe(true);
    expect(m.state.points['P1.DC-X2']?.connected).toBe(false);
  });

  it('rolls the roll call up: answers through the link, tallied by child; a point the child lacks is refused', () => {
    const m = national().startSession();
    attach(m);
    m.run({ type: 'rollcall.start' });
    const rollCallId = m.state.rollCalls[0]!.rollCallId;
    expect(m.state.rollCalls[0]!.pointIds).toContain('P1.DC-X2');
    m.run({ type: 'link.confirm', unitId: 'P1', pointId: 'DC-X1', rollCallId, headcount: 14, presiding }, LINK);
    m.run({ type: 'link.confirm', unitId: 'P1', pointId: 'DC-T', rollCallId, headcount: 40, presiding }, LINK);
    m.run({ type: 'rollcall.confirm', pointId: 'DC-P2', headcount: 30, presiding }, point('DC-P2'));
    expect(
      codeOf(() =>
        m.run({ type: 'link.confirm', unitId: 'P1', pointId: 'DC-X9', rollCallId, headcount: 1, presiding }, LINK),
      ),
    ).toBe('POINT_NOT_FOUND');
    const tally = tallyRollCall(m.state, m.state.rollCalls[0]!);
    expect(tally.totals).toMatchObject({ present: 3, pending: 1, headcount: 84 });
    expect(tallyByChild(m.state, m.state.rollCalls[0]!, tally)).toEqual([
      {
        unitId: 'P1',
        unitName: 'Tỉnh Một',
        title: 'Giao ban tỉnh Một',
        state: 'linked',
        counts: { present: 2, late: 0, absent: 0, noSignal: 0, pending: 1, headcount: 54 },
        unanswered: 1,
      },
    ]);
    // The same answer again corrects, never counts twice.
    m.run({ type: 'link.confirm', unitId: 'P1', pointId: 'DC-X1', rollCallId, headcount: 15, presiding }, LINK);
    expect(tallyRollCall(m.state, m.state.rollCalls[0]!).totals).toMatchObject({ present: 3, headcount: 85 });
  });

  it("judges a child's answer by when it was given below: in time though it arrives late, counted though the roll call closed on its way", () => {
    const m = national().startSession();
    attach(m);
    m.run({ type: 'rollcall.start', deadlineSec: 60 });
    const rollCall = m.state.rollCalls[0]!;
    const answer = (pointId: string, answeredAt: number, headcount = 9) =>
      m.run(
        {
          type: 'link.confirm',
          unitId: 'P1',
          pointId,
          rollCallId: rollCall.rollCallId,
          headcount,
          presiding,
          answeredAt,
        },
        LINK,
      );
    const given = m.now + 50_000;
    m.advance(70_000);
    // Given ten seconds before the deadline, arriving ten seconds after it: present, not late.
    answer('DC-X1', given);
    expect(rollCall.confirmations['P1.DC-X1']).toMatchObject({ late: false, confirmedAt: given });
    // A child's clock cannot place an answer in the future, nor before the roll call began.
    answer('DC-X2', m.now + 3_600_000);
    expect(rollCall.confirmations['P1.DC-X2']).toMatchObject({ late: true, confirmedAt: m.now });
    m.run({ type: 'rollcall.close', rollCallId: rollCall.rollCallId });
    const closedAt = m.now;
    // Given before the close, arriving after it: the closed tally takes it in, once.
    m.advance(5_000);
    answer('DC-T', closedAt - 1_000);
    expect(rollCall.outcomes?.['P1.DC-T']).toBe('late');
    expect(tallyRollCall(m.state, rollCall).totals).toMatchObject({ present: 1, late: 2 });
    // A correction given after the close, or an answer arriving long after it: refused.
    expect(codeOf(() => answer('DC-T', closedAt + 1_000, 12))).toBe('ROLL_CALL_CLOSED');
    m.advance(LINKED_ANSWER_GRACE_MS);
    expect(codeOf(() => answer('DC-X1', closedAt - 1_000, 12))).toBe('ROLL_CALL_CLOSED');
    expect(replay(m.log)).toEqual(m.state);
  });

  it("a lost link keeps its points' presence (the child is lost, not its points absent); a resume reconciles", () => {
    const m = national().startSession();
    attach(m);
    m.run({ type: 'link.lost', unitId: 'P1' }, LINK);
    expect(m.state.links.P1?.state).toBe('lost');
    expect(m.state.points['P1.DC-X1']?.connected).toBe(true);
    // Unknown while the link is down: the views neither count them connected nor call them absent.
    expect([...unreachablePoints(m.state)].sort()).toEqual(['P1.DC-T', 'P1.DC-X1', 'P1.DC-X2']);
    expect(codeOf(() => m.run({ type: 'link.presence', unitId: 'P1', pointId: 'DC-X2', connected: true }, LINK))).toBe(
      'NOT_LINKED',
    );
    attach(m, provinceReport({ connected: ['DC-X2'] }));
    expect(m.state.links.P1?.state).toBe('linked');
    expect(m.state.points['P1.DC-X1']?.connected).toBe(false);
    expect(m.state.points['P1.DC-X2']?.connected).toBe(true);
  });

  it('writes a hello that repeats the report it had as a resume, or as nothing while linked; a changed one in full', () => {
    const m = national().startSession();
    expect(attach(m).map((e) => e.type)).toEqual(['ChildLinked', 'PointConnected']);
    expect(attach(m)).toEqual([]);
    m.run({ type: 'link.lost', unitId: 'P1' }, LINK);
    expect(attach(m).map((e) => e.type)).toEqual(['ChildLinkResumed']);
    expect(m.state.links.P1?.state).toBe('linked');
    // Presence is told as it changed, without the definition again.
    expect(attach(m, provinceReport({ connected: ['DC-X2'] })).map((e) => e.type)).toEqual([
      'PointDisconnected',
      'PointConnected',
    ]);
    // A point added below, or a new title, is a new definition.
    const more = provinceReport({
      points: [
        ...provinceReport().points,
        { code: 'DC-X3', name: 'Điểm cầu Xã Phú Lộc', level: 'commune', unitCode: 'X2', technician: null },
      ],
    });
    expect(attach(m, more)[0]?.type).toBe('ChildLinked');
    expect(attach(m, { ...more, title: 'Giao ban tỉnh Một (chiều)' })[0]?.type).toBe('ChildLinked');
    expect(replay(m.log)).toEqual(m.state);
  });

  it("refuses a child whose points would take all children's together past the cap", () => {
    const m = national().startSession();
    const many = (count: number): ChildReport =>
      provinceReport({
        points: Array.from({ length: count }, (_, i) => ({
          code: `DC-${i}`,
          name: `Điểm cầu ${i}`,
          level: 'commune',
          unitCode: 'X1',
          technician: null,
        })),
        connected: [],
      });
    expect(codeOf(() => attach(m, many(MAX_LINKED_POINTS)))).toBe('PAYLOAD_TOO_LARGE');
    expect(m.state.links.P1).toBeUndefined();
    attach(m, many(MAX_LINKED_POINTS - 1));
    expect(m.state.links.P1?.points).toHaveLength(MAX_LINKED_POINTS);
  });

  it('refuses a loop, a second child on the same invitation and a point id that clashes', () => {
    const m = national();
    m.run({ type: 'meeting.open' });
    expect(codeOf(() => attach(m, provinceReport({ lineage: ['tinh-1', 'm1'] })))).toBe('LINK_LOOP');
    expect(codeOf(() => attach(m, provinceReport({ meetingId: 'm1' })))).toBe('LINK_LOOP');
    attach(m);
    expect(codeOf(() => attach(m, provinceReport({ meetingId: 'tinh-khac', lineage: ['tinh-khac'] })))).toBe(
      'LINK_IN_USE',
    );
    expect(
      codeOf(() => m.run({ type: 'link.attach', unitId: 'P9', tokenId: 't', report: provinceReport() }, LINK)),
    ).toBe('UNIT_NOT_FOUND');
  });

  it("floor up: a child's request queues as its point; the program goes down to every child but the source's", () => {
    const m = national().startSession();
    attach(m);
    m.run(
      {
        type: 'link.attach',
        unitId: 'P2',
        tokenId: 'tok-2',
        report: provinceReport({ meetingId: 'tinh-2', lineage: ['tinh-2'] }),
      },
      LINK,
    );
    m.run(
      { type: 'link.floorRequest', unitId: 'P1', pointId: 'DC-X2', kind: 'petition', topic: 'Đường', department: null },
      LINK,
    );
    expect(m.queuePoints()).toEqual(['P1.DC-X2']);
    m.run({ type: 'floor.next' });
    expect(m.state.floor?.pointId).toBe('P1.DC-X2');
    expect(childrenToReceive(m.state, m.state.floor!.pointId)).toEqual(['P2']);
    expect(childrenToReceive(m.state, null)).toEqual(['P1', 'P2']);
  });

  it('keeps linked children through an amended definition, and replays to the same state', () => {
    const m = national();
    attach(m);
    m.run({ type: 'meeting.amend', definition: { ...m.state.def, title: 'Hội nghị toàn quốc' } }, { role: 'admin' });
    expect(m.state.def.invitedPointIds).toContain('P1.DC-X2');
    expect(replay(m.log)).toEqual(m.state);
  });
});

describe('linked meetings: the child side', () => {
  const child = () => {
    const m = new Meeting().startSession();
    m.run({ type: 'uplink.configure', parentUrl: 'http://127.0.0.2:4000', linkTokenId: 'x' }, { role: 'admin' });
    m.run({ type: 'uplink.state', state: 'linked', parentMeetingId: 'tw', unitId: 'P1', parentTitle: 'TW' }, SYSTEM);

    return m;
  };

  it("holds the parent's roll call over its points and hall; the chair answers for the hall", () => {
    const m = child();
    m.run(
      { type: 'uplink.rollCall', parentRollCallId: 'rc1', deadlineAt: m.now + 60_000, closesAt: m.now + 360_000 },
      SYSTEM,
    );
    const rollCall = m.state.rollCalls[0]!;
    expect(rollCall.parentRollCallId).toBe('rc1');
    expect(rollCall.pointIds[0]).toBe('DC-T');
    m.run({ type: 'hall.confirm', headcount: 50, presiding }, CHAIR);
    expect(rollCall.confirmations['DC-T']?.headcount).toBe(50);
    // Asked twice (a resumed link), it is held once.
    expect(
      m.run({ type: 'uplink.rollCall', parentRollCallId: 'rc1', deadlineAt: m.now, closesAt: m.now }, SYSTEM),
    ).toEqual([]);
  });

  it("the parent's roll call is the parent's to close while linked; once unlinked, the chair here may", () => {
    const m = child();
    m.run(
      { type: 'uplink.rollCall', parentRollCallId: 'rc1', deadlineAt: m.now + 60_000, closesAt: m.now + 360_000 },
      SYSTEM,
    );
    const rollCallId = m.state.rollCalls[0]!.rollCallId;
    expect(() => m.run({ type: 'rollcall.close', rollCallId }, CHAIR)).toThrow(/hội nghị cấp trên kết thúc/);
    expect(m.state.rollCalls[0]!.closedAt).toBeNull();
    m.run({ type: 'uplink.remove' }, { role: 'admin' });
    m.run({ type: 'rollcall.close', rollCallId }, CHAIR);
    expect(m.state.rollCalls[0]!.closedAt).not.toBeNull();
  });

  it("a point asks to speak to the parent; the chair forwards it; the parent's turn runs on the parent's clock", () => {
    const m = child();
    const [requested] = m.run(
      { type: 'floor.request', pointId: 'DC-X1', kind: 'speech', toParent: true },
      point('DC-X1'),
    );
    const requestId = (requested as { requestId: string }).requestId;
    m.run({ type: 'floor.forward', requestId });
    expect(m.state.requests[requestId]?.status).toBe('forwarded');
    expect(m.state.queue).toEqual([]);
    // A local turn gives way to the parent's.
    m.run({ type: 'floor.grant', pointId: 'DC-X3' });
    m.run({ type: 'uplink.turn', pointId: 'DC-X1', limitSec: 120 }, SYSTEM);
    expect(m.state.floor).toMatchObject({ pointId: 'DC-X1', fromParent: true, requestId });
    expect(codeOf(() => m.run({ type: 'floor.grant', pointId: 'DC-X2' }))).toBe('FLOOR_BUSY');
    // Still the parent's program: the dialogue with the parent's hub, the speaker taken from here.
    expect(programOrigin(m.state)).toBe('parent');
    expect(speaksHere(m.state)).toBe(true);
    // The local clock does not end it; the parent does.
    expect(m.advance(200_000).filter((e) => e.type === 'FloorEnded')).toEqual([]);
    m.run({ type: 'uplink.turnEnded', pointId: 'DC-X1', reason: 'limit' }, SYSTEM);
    expect(m.state.floor).toBeNull();
    expect(m.state.requests[requestId]?.status).toBe('done');
    expect(programOrigin(m.state)).toBe('parent');
    m.run({ type: 'uplink.relay', relaying: false });
    expect(programOrigin(m.state)).toBe('local');
  });

  it("tells each child where its points wait in the parent's queue, and the child shows it beside its forwarded request", () => {
    const m = national().startSession();
    attach(m);
    m.run({ type: 'floor.request', pointId: 'DC-P2', kind: 'speech' }, point('DC-P2'));
    const ask = (pointId: string) =>
      m.run({ type: 'link.floorRequest', unitId: 'P1', pointId, kind: 'speech', topic: null, department: null }, LINK);
    const notices = linkNotices(m.state, ask('DC-X2')).filter((n) => n.event === 'link:queue');
    // Every linked child hears of a change in the queue: P1 its commune second, behind province Two's hall.
    expect(notices).toEqual([{ unitId: 'P1', event: 'link:queue', body: { positions: { 'DC-X2': 2 } } }]);
    expect(parentStanding(m.state, 'P1').queuePositions).toEqual({ 'DC-X2': 2 });
    const granted = m.run({ type: 'floor.next' });
    expect(linkNotices(m.state, granted).find((n) => n.event === 'link:queue')?.body).toEqual({
      positions: { 'DC-X2': 1 },
    });

    // The child: its forwarded request, then its place up there, once (a repeat writes nothing).
    const c = child();
    const [requested] = c.run(
      { type: 'floor.request', pointId: 'DC-X1', kind: 'speech', toParent: true },
      point('DC-X1'),
    );
    const requestId = (requested as { requestId: string }).requestId;
    // Waiting for its chair to forward it: "next" passes over it.
    expect(nextLocalRequest(c.state)).toBeUndefined();
    c.run({ type: 'floor.forward', requestId });
    expect(c.run({ type: 'uplink.queue', positions: { 'DC-X1': 3 } }, SYSTEM).map((e) => e.type)).toEqual([
      'ParentQueueChanged',
    ]);
    expect(c.run({ type: 'uplink.queue', positions: { 'DC-X1': 3 } }, SYSTEM)).toEqual([]);
    expect(c.state.uplink?.parentQueue).toEqual({ 'DC-X1': 3 });
    expect(replay(c.log)).toEqual(c.state);
  });

  it('refuses a request to the parent while the link is down, and forwarding without a link', () => {
    const m = new Meeting().startSession();
    expect(
      codeOf(() => m.run({ type: 'floor.request', pointId: 'DC-X1', kind: 'speech', toParent: true }, point('DC-X1'))),
    ).toBe('NOT_LINKED');
    const requestId = m.request('DC-X1');
    expect(codeOf(() => m.run({ type: 'floor.forward', requestId }))).toBe('NOT_LINKED');
    expect(codeOf(() => m.run({ type: 'uplink.configure', parentUrl: 'x', linkTokenId: 'y' }, CHAIR))).toBe(
      'FORBIDDEN',
    );
  });

  it("shows the parent's slides while linked and relaying, never over its own content, and passes them on", () => {
    const m = child();
    const slides = {
      documentId: 'doc1',
      documentName: 'Báo cáo.pdf',
      page: 2,
      pages: 9,
      presenterName: 'Điểm cầu Trung ương',
      since: m.now,
      pagesAt: 'documents' as const,
    };
    expect(m.run({ type: 'uplink.slides', slides }, SYSTEM).map((e) => e.type)).toEqual(['ParentSlidesChanged']);
    // The same slides again (a resumed link's hello) change nothing.
    expect(m.run({ type: 'uplink.slides', slides: { ...slides } }, SYSTEM)).toEqual([]);
    expect(relayedSlides(m.state)).toEqual(slides);
    // Passed on below as slides this meeting relays: their pages are fetched from this coordinator's parent folder.
    expect(slidesForChildren(m.state, (id) => id)).toEqual({ ...slides, pagesAt: 'parent-documents' });
    m.run({ type: 'uplink.relay', relaying: false });
    expect(relayedSlides(m.state)).toBeNull();
    m.run({ type: 'uplink.relay', relaying: true });
    m.run({ type: 'uplink.state', state: 'lost' }, SYSTEM);
    expect(relayedSlides(m.state)).toBeNull();
    m.run({ type: 'uplink.state', state: 'linked', parentMeetingId: 'tw', unitId: 'P1', parentTitle: 'TW' }, SYSTEM);
    expect(relayedSlides(m.state)?.page).toBe(2);
    expect(codeOf(() => m.run({ type: 'uplink.slides', slides: null }, CHAIR))).toBe('FORBIDDEN');
    expect(replay(m.log)).toEqual(m.state);
  });

  it("shows the parent's shared screen on the same terms, yields to its own content, and passes it on", () => {
    const m = child();
    const screen = { presenterName: 'Điểm cầu Trung ương', since: m.now };
    expect(m.run({ type: 'uplink.screen', screen }, SYSTEM).map((e) => e.type)).toEqual(['ParentScreenChanged']);
    expect(m.run({ type: 'uplink.screen', screen: { ...screen } }, SYSTEM)).toEqual([]);
    expect(relayedScreen(m.state)).toEqual(screen);
    expect(screenForChildren(m.state, (id) => id)).toEqual(screen);
    m.run({ type: 'uplink.relay', relaying: false });
    expect(relayedScreen(m.state)).toBeNull();
    m.run({ type: 'uplink.relay', relaying: true });
    // Its own screen goes first, here and below.
    m.run({ type: 'screen.start' });
    expect(relayedScreen(m.state)).toBeNull();
    expect(screenForChildren(m.state, () => 'Tỉnh A')?.presenterName).toBe('Tỉnh A');
    m.run({ type: 'content.stop' });
    expect(relayedScreen(m.state)).toEqual(screen);
    m.run({ type: 'uplink.screen', screen: null }, SYSTEM);
    expect(relayedScreen(m.state)).toBeNull();
    expect(screenForChildren(m.state, (id) => id)).toBeNull();
    expect(codeOf(() => m.run({ type: 'uplink.screen', screen }, CHAIR))).toBe('FORBIDDEN');
    expect(replay(m.log)).toEqual(m.state);
  });
});
