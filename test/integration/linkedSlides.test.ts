import { afterEach, describe, expect, it } from 'vitest';
import { connectMeeting } from '../../server/protocol/client.js';
import type { ContentView } from '../../server/protocol/content.js';
import {
  inviteUnit,
  linkedHarness,
  threeLevels,
  uploadDocument,
  linkUp,
  startNation,
  startProvince,
} from '../helpers/linked.js';
import { testPdf } from '../helpers/pdf.js';
import { until } from '../helpers/poll.js';

const CHAIR = { role: 'chair' } as const;
const harness = linkedHarness();
const { tracked, pointOf } = harness;

afterEach(() => harness.closeAll());

const get = (url: string) =>
  fetch(url).then(async (r) => ({ status: r.status, bytes: Buffer.from(await r.arrayBuffer()) }));

/**
 * The slides a parent meeting shows reach the rooms of meetings linked below it, pages and all, to any depth; so does
 * the label of a screen it shares (its picture crosses the media pipes: test/e2e/linked.e2e.test.ts).
 */
describe("the parent's slides and screen in linked meetings", () => {
  it('nation → province → commune: a village draws the page the centre shows, fetched through its own coordinator', async () => {
    const { nation, province, xa } = await threeLevels(tracked);
    const tw = nation.server.meetings.get('tw');
    const xaMeeting = xa.server.meetings.get('xa');
    const documentId = await uploadDocument(nation, 'tw', testPdf(4), 'Báo cáo tình hình kinh tế - xã hội.pdf');

    const village = await pointOf(xa, 'xa', 'DC-T2');
    const views: ContentView[] = [];
    village.on('content:changed', (view) => views.push(view));
    await tw.execute({ type: 'slides.show', documentId, page: 2 }, CHAIR);
    await until(() => views.at(-1)?.content?.page === 2, 10_000, 'page 2 two levels down');
    expect(views.at(-1)?.content).toMatchObject({
      kind: 'slides',
      fromParent: true,
      documentId,
      documentName: 'Báo cáo tình hình kinh tế - xã hội.pdf',
      pages: 4,
      presenterName: 'Điểm cầu Trung ương',
    });
    // The province passes on what it relays: its pages are fetched from the nation, the commune's from the province.
    expect(province.server.meetings.get('tinh').state.uplink?.parentSlides?.pagesAt).toBe('documents');
    expect(xaMeeting.state.uplink?.parentSlides?.pagesAt).toBe('parent-documents');

    // The village fetches the page from its own coordinator with its own token: the same image the centre drew.
    const token = await xa.token('xa', 'point', 'DC-T2');
    const relayed = await get(`${xa.url}/api/meetings/xa/parent-documents/${documentId}/pages/2?token=${token}`);
    const original = await get(
      `${nation.url}/api/meetings/tw/documents/${documentId}/pages/2?token=${await nation.token('tw', 'chair')}`,
    );
    expect(relayed.status).toBe(200);
    expect(original.status).toBe(200);
    expect(relayed.bytes.equals(original.bytes)).toBe(true);

    // A page out of range, another document, no token, another meeting's token: refused, nothing fetched.
    const base = `${xa.url}/api/meetings/xa/parent-documents`;
    expect((await get(`${base}/${documentId}/pages/5?token=${token}`)).status).toBe(400);
    expect((await get(`${base}/${documentId}/pages/0?token=${token}`)).status).toBe(400);
    expect((await get(`${base}/AAAAAAAAAAAA/pages/1?token=${token}`)).status).toBe(404);
    expect((await get(`${base}/${documentId}/pages/2`)).status).toBe(401);
    const foreign = await nation.token('tw', 'chair');
    // (the test coordinators share a signing secret, so it is read, and refused as another meeting's)
    expect((await get(`${base}/${documentId}/pages/2?token=${foreign}`)).status).toBe(403);
    // The province's invitation reads the nation's pages, but no console of the nation.
    const invitation = await inviteUnit(nation, 'P2');
    expect(
      (await get(`${nation.url}/api/meetings/tw/documents/${documentId}/pages/3?token=${invitation}`)).status,
    ).toBe(200);
    expect((await get(`${nation.url}/api/meetings/tw/documents/${documentId}?token=${invitation}`)).status).toBe(403);

    // A page turned at the centre reaches the village; the village's own chair cannot stop it.
    await tw.execute({ type: 'slides.show', documentId, page: 3 }, CHAIR);
    await until(() => views.at(-1)?.content?.page === 3, 10_000, 'page 3 two levels down');
    expect((await xaMeeting.execute({ type: 'content.stop' }, CHAIR)).events).toEqual([]);
    expect(xaMeeting.state.uplink?.parentSlides?.page).toBe(3);

    // The commune runs its own program: the centre's slides leave its rooms, and come back with the relay.
    await xaMeeting.execute({ type: 'uplink.relay', relaying: false }, CHAIR);
    await until(() => views.at(-1)?.content === null, 10_000, 'slides gone with the relay');
    expect((await get(`${base}/${documentId}/pages/3?token=${token}`)).status).toBe(404);
    await xaMeeting.execute({ type: 'uplink.relay', relaying: true }, CHAIR);
    await until(() => views.at(-1)?.content?.page === 3, 10_000, 'slides back with the relay');

    // The centre stops: every level clears.
    await tw.execute({ type: 'content.stop' }, CHAIR);
    await until(() => views.at(-1)?.content === null, 10_000, 'slides stopped two levels down');
    expect(province.server.meetings.get('tinh').state.uplink?.parentSlides).toBeNull();
  });

  it('a child that links while slides are on is shown the page at once (the hello answer)', async () => {
    const nation = await tracked(startNation());
    const province = await tracked(startProvince('127.0.0.3', 'tinh'));
    const tw = nation.server.meetings.get('tw');
    const documentId = await uploadDocument(nation, 'tw', testPdf(3), 'Kế hoạch.pdf');
    await tw.execute({ type: 'slides.show', documentId, page: 3 }, CHAIR);
    expect((await linkUp(province, 'tinh', nation, await inviteUnit(nation, 'P1'))).status).toBe(200);
    const tinh = province.server.meetings.get('tinh');
    await until(() => tinh.state.uplink?.parentSlides?.page === 3, 10_000, 'the page on linking');
    const { socket, snapshot } = await connectMeeting(province.url, await province.token('tinh', 'point', 'DC-X1'), {
      reconnection: false,
    });
    socket.close();
    expect(snapshot.content.content).toMatchObject({ page: 3, fromParent: true, documentName: 'Kế hoạch.pdf' });
  });

  it("a screen the centre shares is shown as the nation's two levels down, yields to a meeting's own, and clears", async () => {
    const { nation, province, xa } = await threeLevels(tracked);
    const tw = nation.server.meetings.get('tw');
    const xaMeeting = xa.server.meetings.get('xa');
    const village = await pointOf(xa, 'xa', 'DC-T2');
    const views: ContentView[] = [];
    village.on('content:changed', (view) => views.push(view));
    await tw.execute({ type: 'screen.start' }, CHAIR);
    await until(() => views.at(-1)?.content?.kind === 'screen', 10_000, 'the screen two levels down');
    expect(views.at(-1)?.content).toMatchObject({
      kind: 'screen',
      fromParent: true,
      presenterName: 'Điểm cầu Trung ương',
      documentId: null,
    });
    expect(province.server.meetings.get('tinh').state.uplink?.parentScreen?.presenterName).toBe('Điểm cầu Trung ương');
    // The commune's own screen goes first; the centre's comes back when it stops.
    await xaMeeting.execute({ type: 'screen.start' }, CHAIR);
    await until(() => views.at(-1)?.content?.fromParent === false, 10_000, "the commune's own screen");
    await xaMeeting.execute({ type: 'content.stop' }, CHAIR);
    await until(() => views.at(-1)?.content?.fromParent === true, 10_000, "the centre's screen again");
    await tw.execute({ type: 'content.stop' }, CHAIR);
    await until(() => views.at(-1)?.content === null, 10_000, 'the screen stopped two levels down');
    expect(xaMeeting.state.uplink?.parentScreen).toBeNull();
  });

  it('a child that links while a screen is shared is told at once (the hello answer)', async () => {
    const nation = await tracked(startNation());
    const province = await tracked(startProvince('127.0.0.3', 'tinh'));
    await nation.server.meetings.get('tw').execute({ type: 'screen.start' }, CHAIR);
    expect((await linkUp(province, 'tinh', nation, await inviteUnit(nation, 'P1'))).status).toBe(200);
    const tinh = province.server.meetings.get('tinh');
    await until(() => tinh.state.uplink?.parentScreen !== null, 10_000, 'the screen on linking');
    expect(tinh.state.uplink?.parentScreen?.presenterName).toBe('Điểm cầu Trung ương');
  });
});
