import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * `tsx test/bench/profileSummary.ts FILE.cpuprofile [...]`: where a server's CPU went, from V8's `--cpu-prof` output.
 * Prints the functions with the most self time and the project's own functions with the most total time (self and
 * everything they call), and writes `FILE.folded` (one line per stack: `a;b;c samples`) for any flame-graph tool.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

const root = process.cwd();

function frameName({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const file = url.startsWith('file://') ? relative(root, new URL(url).pathname) : url;

  return `${functionName || '(anonymous)'} ${file === '' ? '' : `${file}:${lineNumber + 1}`}`.trim();
}

function summarize(path: string): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  profile.nodes.forEach((n) => n.children?.forEach((c) => parent.set(c, n.id)));
  const totalHits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const msPerHit = (profile.endTime - profile.startTime) / 1000 / Math.max(1, totalHits);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const folded = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) {
      continue;
    }
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + hits);
    const stack: string[] = [];
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      stack.unshift(frameName((byId.get(id) as ProfileNode).callFrame));
    }
    // A function counts once per sample, however deep its recursion.
    new Set(stack).forEach((frame) => inclusive.set(frame, (inclusive.get(frame) ?? 0) + hits));
    const key = stack.join(';');
    folded.set(key, (folded.get(key) ?? 0) + hits);
  }
  const busy = totalHits - (self.get('(idle)') ?? 0);
  const pct = (hits: number) => `${((hits / Math.max(1, busy)) * 100).toFixed(1)} %`;
  const top = (map: Map<string, number>, filter: (name: string) => boolean, n: number) =>
    [...map]
      .filter(([name]) => filter(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n);
  console.log(`${path}: ${Math.round(busy * msPerHit)} ms busy of ${Math.round(totalHits * msPerHit)} ms`);
  console.log('\nself time (share of busy time):');
  top(self, (name) => name !== '(idle)', 20).forEach(([name, hits]) =>
    console.log(`  ${pct(hits).padStart(7)}  ${name}`),
  );
  console.log('\nthe project’s functions, total time:');
  top(inclusive, (name) => name.includes(' server/'), 20).forEach(([name, hits]) =>
    console.log(`  ${pct(hits).padStart(7)}  ${name}`),
  );
  writeFileSync(
    path.replace(/\.cpuprofile$/, '') + '.folded',
    [...folded].map(([stack, hits]) => `${stack} ${hits}`).join('\n') + '\n',
  );
}

process.argv.slice(2).forEach(summarize);
