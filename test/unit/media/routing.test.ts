import { describe, expect, it } from 'vitest';
import {
  linkOutgoing,
  nextSpeaker,
  planRouting,
  programSpeaker,
  type MediaParticipant,
} from '../../../server/media/routing.js';
import { Meeting, smallMeetingInput } from '../../helpers/domain.js';

const chair: MediaParticipant = { id: 'c1', role: 'chair', pointId: null };
const cochair: MediaParticipant = { id: 'c2', role: 'cochair', pointId: null };
const tech: MediaParticipant = { id: 't1', role: 'technician', pointId: null };
const pt = (n: string): MediaParticipant => ({ id: `p-${n}`, role: 'point', pointId: `DC-${n}` });
/** The meeting linked up to the nation's `tw` as its unit P1. */
const linkUp = (m: Meeting) => {
  m.run({ type: 'uplink.configure', parentUrl: 'http://127.0.0.2:4000', linkTokenId: 'x' }, { role: 'admin' });
  m.run(
    { type: 'uplink.state', state: 'linked', parentMeetingId: 'tw', unitId: 'P1', parentTitle: 'TW' },
    { role: 'system' },
  );
};
const everyone = [chair, cochair, tech, pt('X1'), pt('X2'), pt('X3'), pt('X4'), pt('H1'), pt('H2')];

describe('routing policy', () => {
  it("the likely next speaker is the queue's head, on this bridge (its program source is decoded ahead)", () => {
    const m = new Meeting().startSession();
    expect(nextSpeaker(m.state, everyone)).toBeNull();
    m.request('DC-X3');
    m.request('DC-X1');
    expect(nextSpeaker(m.state, everyone)?.id).toBe('p-X3');
    // A head whose room is not on this bridge (not connected here) has nothing to decode.
    expect(nextSpeaker(m.state, [chair, pt('X1')])).toBeNull();
  });

  it('every point receives the program: the hub and nobody else while no one holds the floor', () => {
    const m = new Meeting().startSession();
    const plan = planRouting(m.state, everyone, m.now);
    expect(plan.byParticipant.get('p-X1')).toEqual({
      program: ['c1', null],
      audio: ['c1', 'c2'],
      grid: [],
      content: null,
    });
    expect(plan.byParticipant.get('c1')?.program).toEqual([null, null]);
  });

  it("the floor holder joins the program and its microphone opens; others' stay paused at the bridge", () => {
    const m = new Meeting().startSession();
    m.run({ type: 'floor.grant', pointId: 'DC-X2' });
    const plan = planRouting(m.state, everyone, m.now);
    expect(plan.byParticipant.get('p-X1')).toMatchObject({ program: ['c1', 'p-X2'], audio: ['c1', 'c2', 'p-X2'] });
    // The speaker does not receive itself.
    expect(plan.byParticipant.get('p-X2')).toMatchObject({ program: ['c1', null], audio: ['c1', 'c2'] });
    expect([...plan.openMics].sort()).toEqual(['c1', 'c2', 'p-X2']);
    m.run({ type: 'floor.revoke' });
    expect(planRouting(m.state, everyone, m.now).openMics.has('p-X2')).toBe(false);
  });

  it("a shared screen goes to everyone but its sender, once the meeting shows a screen and the presenter's console shares", () => {
    const m = new Meeting().startSession();
    const sharingChair = { ...chair, sharing: true };
    // Sharing without the meeting showing a screen (or the reverse) carries nothing.
    expect(planRouting(m.state, [sharingChair, pt('X1')], m.now).byParticipant.get('p-X1')?.content).toBeNull();
    m.run({ type: 'screen.start' });
    expect(planRouting(m.state, [chair, pt('X1')], m.now).byParticipant.get('p-X1')?.content).toBeNull();
    const plan = planRouting(m.state, [sharingChair, cochair, pt('X1')], m.now);
    expect(plan.byParticipant.get('p-X1')?.content).toBe('c1');
    expect(plan.byParticipant.get('c2')?.content).toBe('c1');
    expect(plan.byParticipant.get('c1')?.content).toBeNull();
    // A point's screen, while it holds the floor: the chair's console sharing is not its content.
    m.run({ type: 'content.stop' });
    m.connect('DC-X1');
    m.run({ type: 'floor.grant', pointId: 'DC-X1' });
    m.run({ type: 'screen.start', pointId: 'DC-X1' }, { role: 'point', pointId: 'DC-X1' });
    const sharingX1 = { ...pt('X1'), sharing: true };
    expect(planRouting(m.state, [sharingChair, sharingX1], m.now).byParticipant.get('c1')?.content).toBe('p-X1');
  });

  it("a linked meeting relaying its parent shows the parent's screen piped down, and its own screen over it", () => {
    const system = { role: 'system' } as const;
    const m = new Meeting().startSession();
    linkUp(m);
    const parentScreen: MediaParticipant = { id: 'pipe:s', role: 'observer', pointId: null, relayed: 'parentScreen' };
    const parentHub: MediaParticipant = { id: 'pipe:h', role: 'observer', pointId: null, relayed: 'parentHub' };
    const on = [chair, parentHub, parentScreen, pt('X1')];
    // Piped down but not (or no longer) shown by the parent: nothing.
    expect(planRouting(m.state, on, m.now).byParticipant.get('p-X1')?.content).toBeNull();
    m.run({ type: 'uplink.screen', screen: { presenterName: 'Trung ương', since: m.now } }, system);
    const plan = planRouting(m.state, on, m.now);
    expect(plan.byParticipant.get('p-X1')?.content).toBe('pipe:s');
    expect(plan.byParticipant.get('c1')?.content).toBe('pipe:s');
    // Never in the program or the grid: it is the content only.
    expect(plan.byParticipant.get('p-X1')?.program).toEqual(['pipe:h', null]);
    expect(plan.byParticipant.get('c1')?.grid).toEqual(['p-X1']);
    // Its own screen goes first; its own program drops the parent's.
    m.run({ type: 'screen.start' });
    expect(
      planRouting(m.state, [{ ...chair, sharing: true }, ...on.slice(1)], m.now).byParticipant.get('p-X1')?.content,
    ).toBe('c1');
    m.run({ type: 'content.stop' });
    m.run({ type: 'uplink.relay', relaying: false });
    expect(planRouting(m.state, on, m.now).byParticipant.get('p-X1')?.content).toBeNull();
  });

  it("a point of a linked meeting holding the parent's floor: every room sees and hears the parent's hub with it, the speaker not itself", () => {
    const system = { role: 'system' } as const;
    const m = new Meeting().startSession();
    linkUp(m);
    const parentHub: MediaParticipant = { id: 'pipe:h', role: 'observer', pointId: null, relayed: 'parentHub' };
    const on = [chair, parentHub, pt('X1'), pt('X2')];
    m.connect('DC-X1');
    const [requested] = m.run(
      { type: 'floor.request', pointId: 'DC-X1', kind: 'speech', toParent: true },
      { role: 'point', pointId: 'DC-X1' },
    );
    m.run({ type: 'floor.forward', requestId: (requested as { requestId: string }).requestId });
    m.run({ type: 'uplink.turn', pointId: 'DC-X1', limitSec: 120 }, system);
    const plan = planRouting(m.state, on, m.now);
    // The parent's hub on the program of every room, the province's hall included; the speaker from here.
    expect(plan.byParticipant.get('p-X2')?.program).toEqual(['pipe:h', 'p-X1']);
    expect(plan.byParticipant.get('c1')?.program).toEqual(['pipe:h', 'p-X1']);
    expect(plan.byParticipant.get('p-X1')?.program).toEqual(['pipe:h', null]);
    // The dialogue is heard: the parent's hub and the speaker; the speaker hears the hub, never itself.
    expect(plan.byParticipant.get('p-X2')?.audio).toEqual(expect.arrayContaining(['pipe:h', 'p-X1']));
    expect(plan.byParticipant.get('p-X1')?.audio).toContain('pipe:h');
    expect(plan.byParticipant.get('p-X1')?.audio).not.toContain('p-X1');
  });

  it("what crosses a link up: the child's hall, and the point holding the parent's floor once it has it", () => {
    const system = { role: 'system' } as const;
    const m = new Meeting().startSession();
    linkUp(m);
    const parentHub: MediaParticipant = { id: 'pipe:h', role: 'observer', pointId: null, relayed: 'parentHub' };
    const on = [parentHub, cochair, chair, pt('X1'), pt('X2')];
    const up = () =>
      linkOutgoing({
        state: m.state,
        participants: on,
        side: { kind: 'child' },
        program: { hub: chair, speaker: null },
        childWantsProgram: false,
      }).map((s) => [s.as, s.participant.id, s.pointId]);
    // The chair's camera is the hall (before a co-chair's); a relayed source never goes back up.
    expect(up()).toEqual([['hall', 'c1', 'DC-T']]);
    m.connect('DC-X1');
    const [requested] = m.run(
      { type: 'floor.request', pointId: 'DC-X1', kind: 'speech', toParent: true },
      { role: 'point', pointId: 'DC-X1' },
    );
    m.run({ type: 'floor.forward', requestId: (requested as { requestId: string }).requestId });
    expect(up()).toEqual([['hall', 'c1', 'DC-T']]);
    m.run({ type: 'uplink.turn', pointId: 'DC-X1', limitSec: 120 }, system);
    expect(up()).toEqual([
      ['hall', 'c1', 'DC-T'],
      ['point', 'p-X1', 'DC-X1'],
    ]);
  });

  it('what crosses a link down: the program while the child shows it, never a source that came from that child', () => {
    const m = new Meeting().startSession();
    const fromP1: MediaParticipant = { id: 'pipe:p1', role: 'point', pointId: 'P1.DC-X1' };
    const down = (speaker: MediaParticipant | null, childWantsProgram = true) =>
      linkOutgoing({
        state: m.state,
        participants: [chair, pt('X1'), fromP1],
        side: { kind: 'parent', unitId: 'P1' },
        program: { hub: chair, speaker },
        childWantsProgram,
      }).map((s) => [s.as, s.participant.id]);
    expect(down(null, false)).toEqual([]);
    expect(down(pt('X1'))).toEqual([
      ['hub', 'c1'],
      ['speaker', 'p-X1'],
    ]);
    // A speaker is the child's own point (named under its unit): the child has it already. The link is placed in the
    // state by hand: only its names matter here.
    m.state.links.P1 = {
      unitId: 'P1',
      tokenId: 't',
      childMeetingId: 'tinh',
      title: 'Tỉnh',
      state: 'linked',
      since: 0,
      hallPointId: 'P1.DC-T',
      units: [],
      points: [{ code: 'P1.DC-X1', name: 'Xã', level: 'commune', unitCode: 'P1', technician: null }],
      localIds: { 'P1.DC-X1': 'DC-X1' },
      lineage: ['tinh'],
    };
    expect(down(fromP1)).toEqual([['hub', 'c1']]);
  });

  it('the hub and technicians receive every point as a paged grid of thumbnails; points do not', () => {
    const m = new Meeting().startSession();
    const plan = planRouting(m.state, everyone, m.now, { gridPageSize: 4, gridPages: new Map([['t1', 1]]) });
    expect(plan.byParticipant.get('c1')?.grid).toEqual(['p-H1', 'p-H2', 'p-X1', 'p-X2']);
    expect(plan.byParticipant.get('t1')?.grid).toEqual(['p-X3', 'p-X4']);
    expect(plan.byParticipant.get('p-X3')?.grid).toEqual([]);
    const beyond = planRouting(m.state, everyone, m.now, { gridPageSize: 4, gridPages: new Map([['t1', 9]]) });
    expect(beyond.byParticipant.get('t1')?.grid).toEqual(['p-X3', 'p-X4']);
  });

  it("a console's own selection of points (its filtered page) is shown in its order, up to a page, only those on the bridge", () => {
    const m = new Meeting().startSession();
    const chosen = ['DC-X4', 'DC-NOT-JOINED', 'DC-H1', 'DC-X1', 'DC-X2', 'DC-X3'];
    const plan = planRouting(m.state, everyone, m.now, { gridPageSize: 3, gridPages: new Map([['t1', chosen]]) });
    expect(plan.byParticipant.get('t1')?.grid).toEqual(['p-X4', 'p-H1', 'p-X1']);
  });

  it('mute all closes every point; mute all except chairs keeps the chairs open; the chair can open one point', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'mic.set', target: 'DC-X4', open: true });
    m.run({ type: 'mic.set', target: 'DC-X3', open: true });
    expect([...planRouting(m.state, everyone, m.now).openMics].sort()).toEqual(['c1', 'c2', 'p-X3', 'p-X4']);
    m.run({ type: 'mic.muteAll', exceptChairs: true });
    expect([...planRouting(m.state, everyone, m.now).openMics].sort()).toEqual(['c1', 'c2']);
    m.run({ type: 'mic.muteAll', exceptChairs: false });
    expect([...planRouting(m.state, everyone, m.now).openMics]).toEqual([]);
    m.run({ type: 'floor.grant', pointId: 'DC-X1' });
    expect([...planRouting(m.state, everyone, m.now).openMics]).toEqual(['p-X1']);
    m.run({ type: 'mic.set', target: 'chairs', open: true });
    expect([...planRouting(m.state, everyone, m.now).openMics].sort()).toEqual(['c1', 'c2', 'p-X1']);
  });

  it('caps open point microphones so a room of open mics cannot flood every listener', () => {
    const m = new Meeting().startSession();
    for (const id of ['DC-X1', 'DC-X2', 'DC-X3', 'DC-X4']) {
      m.run({ type: 'mic.set', target: id, open: true });
    }
    expect(planRouting(m.state, everyone, m.now, { maxOpenPoints: 2 }).openMics.size).toBe(4);
  });

  it('during a report without a speaker the program scans the chosen sites in turn', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'scan.set', pointIds: ['DC-X1', 'DC-X3'], intervalSec: 10 });
    expect(programSpeaker(m.state, m.now)).toBeNull(); // the opening, not a report
    m.run({ type: 'agenda.advance' });
    expect(programSpeaker(m.state, m.now)).toBe('DC-X1');
    expect(programSpeaker(m.state, m.now + 10_000)).toBe('DC-X3');
    expect(programSpeaker(m.state, m.now + 20_000)).toBe('DC-X1');
    expect(planRouting(m.state, everyone, m.now + 10_000).byParticipant.get('p-X1')?.program).toEqual(['c1', 'p-X3']);
    // A scanned site is seen, not heard.
    expect(planRouting(m.state, everyone, m.now + 10_000).openMics.has('p-X3')).toBe(false);
    m.run({ type: 'floor.grant', pointId: 'DC-X2' });
    expect(programSpeaker(m.state, m.now)).toBe('DC-X2');
  });

  it('the hub is the first chair on the bridge, else a co-chair; absent participants are skipped', () => {
    const m = new Meeting(smallMeetingInput()).startSession();
    m.run({ type: 'floor.grant', pointId: 'DC-X2' });
    const plan = planRouting(m.state, [cochair, pt('X1')], m.now);
    expect(plan.byParticipant.get('p-X1')?.program).toEqual(['c2', null]);
  });
});
