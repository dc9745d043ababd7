import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Network conditions of a room's link, applied each way on its veth pair (tc netem). */
export interface LinkProfile {
  name: string;
  /** Round-trip delay added, ms (half each way). */
  rttMs: number;
  /** Packet loss each way, %. */
  lossPct: number;
  /** Rate each way, kbit/s (0: unlimited). */
  rateKbit: number;
}

/** The profiles the network benchmark and tests use: a commune's links as they are. */
export const PROFILES: readonly LinkProfile[] = [
  { name: 'clean', rttMs: 0, lossPct: 0, rateKbit: 0 },
  { name: '4G', rttMs: 80, lossPct: 1, rateKbit: 2000 },
  { name: 'poor', rttMs: 200, lossPct: 3, rateKbit: 512 },
  { name: 'very poor', rttMs: 400, lossPct: 8, rateKbit: 256 },
];

/**
 * A room's own network: a namespace made for the test, joined to the host by a veth pair on a private /24 the test
 * picks. Only the two ends of that pair (and extra addresses the test adds on the host end) are ever used.
 */
export interface PointNetwork {
  name: string;
  /** The host's end: where the coordinator, the media bridge and the relay listen for this room. */
  hostIp: string;
  /** A second host address (e.g. the TURN server's own), on the same link. */
  secondHostIp: string;
  /** The room's own address inside the namespace. */
  pointIp: string;
  /** A Chromium that runs inside the namespace (a script to hand Playwright as its executable). */
  chromium: string;
  /**
   * Applies a profile each way: with the kernel's netem, delay, loss and rate; without it (some virtual machines'
   * kernels lack sch_netem), the rate by tbf and the loss by nftables, and no delay: `delayApplied` says which.
   */
  shape(profile: LinkProfile): Promise<{ delayApplied: boolean }>;
  /** Inside the namespace: UDP dropped (an office firewall that lets no media through). */
  blockUdp(): Promise<void>;
  /** Inside the namespace: nothing out but TCP to port 443 (a firewall that lets only HTTPS out). */
  onlyHttps(): Promise<void>;
  close(): Promise<void>;
}

const sh = (command: string, ...args: string[]) => run(command, args);

export async function createPointNetwork(dir: string): Promise<PointNetwork> {
  const id = `${process.pid % 1000}${Math.floor(Math.random() * 1000)}`;
  const name = `dcpt${id}`;
  const hostDev = `dch${id}`;
  const pointDev = `dcp${id}`;
  // A subnet no other namespace here uses (one left by a killed run would otherwise answer for the room).
  const used = (await sh('ip', '-4', '-o', 'addr')).stdout;
  const free = Array.from({ length: 250 }, (_, i) => `10.77.${i + 1}`).filter((s) => !used.includes(`${s}.`));
  const subnet = free[Math.floor(Math.random() * free.length)] ?? '10.77.251';
  const [hostIp, secondHostIp, pointIp] = [`${subnet}.1`, `${subnet}.3`, `${subnet}.2`];
  const inside = (...args: string[]) => sh('ip', 'netns', 'exec', name, ...args);
  await sh('ip', 'netns', 'add', name);
  try {
    await sh('ip', 'link', 'add', hostDev, 'type', 'veth', 'peer', 'name', pointDev);
    await sh('ip', 'link', 'set', pointDev, 'netns', name);
    await sh('ip', 'addr', 'add', `${hostIp}/24`, 'dev', hostDev);
    await sh('ip', 'addr', 'add', `${secondHostIp}/24`, 'dev', hostDev);
    await sh('ip', 'link', 'set', hostDev, 'up');
    await inside('ip', 'addr', 'add', `${pointIp}/24`, 'dev', pointDev);
    await inside('ip', 'link', 'set', pointDev, 'up');
    await inside('ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    await sh('ip', 'netns', 'del', name).catch(() => undefined);
    await sh('ip', 'link', 'del', hostDev).catch(() => undefined);
    throw error;
  }
  const chromium = join(dir, `chromium-${name}.sh`);
  await writeFile(
    chromium,
    `#!/bin/sh\nexec ip netns exec ${name} ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'} "$@"\n`,
  );
  await chmod(chromium, 0o755);
  // nft reads its rules from a file (its `-f -` would need stdin through ip netns exec).
  let netem: boolean | null = null;
  const nft = async (rules: string) => {
    const path = join(dir, `${name}-${Math.random().toString(36).slice(2)}.nft`);
    await writeFile(path, `${rules}\n`);
    await inside('nft', '-f', path);
  };

  return {
    name,
    hostIp,
    secondHostIp,
    pointIp,
    chromium,
    async shape({ rttMs, lossPct, rateKbit }) {
      const devices: [string, (...args: string[]) => Promise<unknown>][] = [
        [hostDev, (...args) => sh('tc', ...args)],
        [pointDev, (...args) => inside('tc', ...args)],
      ];
      if (netem === null) {
        netem = await sh('tc', 'qdisc', 'replace', 'dev', hostDev, 'root', 'netem').then(
          () => true,
          () => false,
        );
      }
      for (const [device, tc] of devices) {
        await tc('qdisc', 'del', 'dev', device, 'root').catch(() => undefined);
        if (netem) {
          const args = [
            ...(rttMs > 0 ? ['delay', `${rttMs / 2}ms`, `${Math.max(1, rttMs / 20)}ms`] : []),
            ...(lossPct > 0 ? ['loss', `${lossPct}%`] : []),
            ...(rateKbit > 0 ? ['rate', `${rateKbit}kbit`] : []),
          ];
          await tc('qdisc', 'replace', 'dev', device, 'root', 'netem', ...args, 'limit', '1000');
        } else if (rateKbit > 0) {
          // Without netem: the rate by a token bucket, its queue bounded as a 4G router's is.
          await tc(
            'qdisc',
            'replace',
            'dev',
            device,
            'root',
            'tbf',
            'rate',
            `${rateKbit}kbit`,
            'burst',
            '16kb',
            'latency',
            '300ms',
          );
        }
      }
      await inside('nft', 'delete', 'table', 'inet', 'link').catch(() => undefined);
      if (!netem && lossPct > 0) {
        // Without netem: random loss each way by nftables.
        const drop = `numgen random mod 1000 < ${Math.round(lossPct * 10)} drop`;
        await nft(`table inet link {
  chain in { type filter hook input priority -10; policy accept; iifname "lo" accept; ${drop}; }
  chain out { type filter hook output priority -10; policy accept; oifname "lo" accept; ${drop}; }
}`);
      }

      return { delayApplied: netem || rttMs === 0 };
    },
    async blockUdp() {
      await nft(`table inet room {
  chain out { type filter hook output priority 0; policy accept; oifname "lo" accept; meta l4proto udp drop; }
}`);
    },
    async onlyHttps() {
      await nft(`table inet room {
  chain out {
    type filter hook output priority 0; policy drop;
    oifname "lo" accept;
    ct state established,related accept;
    tcp dport 443 accept;
  }
}`);
    },
    async close() {
      await sh('ip', 'netns', 'del', name).catch(() => undefined);
      // The host's end goes with its peer; removed here too in case the namespace held none.
      await sh('ip', 'link', 'del', hostDev).catch(() => undefined);
    },
  };
}
