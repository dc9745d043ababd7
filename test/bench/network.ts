import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathOf, receivedOver, type MediaPath, type Received } from '../e2e/linkStats.js';
import { startReachLab } from '../e2e/reachLab.js';
import { PROFILES, type LinkProfile } from '../helpers/netns.js';
import { round } from './harness.js';

/** A profile of the table: a link's conditions, or a firewall. */
interface NetworkCase {
  name: string;
  link: LinkProfile;
  firewall: 'none' | 'udp blocked' | 'only tcp 443';
}

const CLEAN = PROFILES[0] as LinkProfile;
const CASES: NetworkCase[] = [
  ...PROFILES.map((link) => ({ name: link.name, link, firewall: 'none' as const })),
  { name: 'UDP blocked', link: CLEAN, firewall: 'udp blocked' },
  { name: 'only TCP 443', link: CLEAN, firewall: 'only tcp 443' },
];

const ROOMS = ['DC-X1', 'DC-X2', 'DC-X3', 'DC-X4', 'DC-H1', 'DC-H2'];

const pathName = (path: MediaPath | null) =>
  path === null
    ? '—'
    : path.candidateType === 'relay'
      ? `TURN/${(path.relayProtocol ?? 'udp').toUpperCase()}`
      : path.protocol === 'tcp'
        ? 'ICE-TCP'
        : 'UDP';

/**
 * `npm run bench -- --network`: a commune's Chromium in a network namespace of its own (test/e2e/reachLab.ts), on
 * mediasoup, for each link profile and firewall: the path its media took, the time from opening the console to the
 * first decoded frame of the program, then the minute after it. Written to results/latest-network.md.
 */
export async function benchNetwork(log: (line: string) => void): Promise<void> {
  const lab = await startReachLab();
  const rows: string[] = [];
  let delayApplied = true;
  try {
    for (const [i, c] of CASES.entries()) {
      const shaped = await lab.net.shape(c.link);
      delayApplied &&= shaped.delayApplied;
      if (c.firewall === 'udp blocked') {
        await lab.net.blockUdp();
      } else if (c.firewall === 'only tcp 443') {
        await lab.net.onlyHttps();
      }
      // A room of its own per profile: the bridge remembers what each room's link carried.
      const pointId = ROOMS[i] ?? 'DC-X1';
      const { page, firstFrameMs } = await lab.openRoom(pointId);
      // A minute from the first frame: the bridge's start a layer below the top, its try of the top and, on a weak
      // link, the failed try and what the link carries after it are all in it.
      const minute = await receivedOver(page, 60_000);
      // Then what the link settled on (the next try waits twice as long, or more).
      const settled = await receivedOver(page, 20_000);
      const path = pathName(await pathOf(page));
      const cells = (r: Received) =>
        `${round(r.fps, 1)} | ${r.width}×${r.height} | ${r.freezes} | ${round(r.concealedPct, 1)} %`;
      const row = `| ${c.name} | ${path} | ${round(firstFrameMs / 1000, 1)} s | ${cells(minute)} | ${cells(settled)} |`;
      log(row);
      rows.push(row);
      await lab.closeRoom();
      await lab.net.shape(CLEAN);
    }
  } finally {
    await lab.close();
  }
  const table = [
    '| profile | path | first frame | first minute: fps | picture | freezes | sound concealed | next 20 s: fps | picture | freezes | sound concealed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  const note = delayApplied
    ? 'Delay, loss and rate by tc netem.'
    : 'This kernel has no sch_netem: loss by nftables and rate by tbf were applied, the delay was not.';
  const out = `# Network profiles (mediasoup, one commune in a network namespace)\n\n${table}\n\n${note}\n`;
  await writeFile(join(import.meta.dirname, 'results', 'latest-network.md'), out);
  log(note);
}
