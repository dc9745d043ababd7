import { parseArgs } from 'node:util';
import { simulate } from './simulate.js';

/**
 * `npm run simulate -- --scenario <id | file.json> [--points N] [--chair-script] [--url URL | --nodes N]
 *   [--workers N] [--admin-key KEY] [--grant-gap-ms MS] [--profiles lossy=0.1,flapping=0.05,dead=0.02]
 *   [--unit-outage <unit code>] [--linked [--children N]]`
 * Progress goes to stderr; the last line on stdout is one JSON summary, and the last on stderr says it in words.
 */
const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'bac-giang-2021-09-28' },
    points: { type: 'string' },
    'chair-script': { type: 'boolean', default: false },
    url: { type: 'string' },
    nodes: { type: 'string', default: '1' },
    workers: { type: 'string' },
    'admin-key': { type: 'string', default: process.env.ADMIN_API_KEY ?? 'diemcau-dev-admin' },
    'deadline-sec': { type: 'string', default: '5' },
    'grant-gap-ms': { type: 'string', default: '2000' },
    profiles: { type: 'string' },
    'unit-outage': { type: 'string' },
    linked: { type: 'boolean', default: false },
    children: { type: 'string' },
  },
});

/** A whole number in [min, max] from a flag, or exit with the reason. */
function count(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${flag} takes a whole number from ${min} to ${max} (got ${raw})`);
    process.exit(2);
  }

  return value;
}

const nodes = count('nodes', values.nodes, 1, 8) as number;
if (values.linked && (values.url !== undefined || nodes > 1)) {
  console.error('--linked starts a coordinator for the top and one per child of its own; leave out --url and --nodes');
  process.exit(2);
}
if (nodes > 1 && values.url !== undefined) {
  console.error('--nodes starts coordinators of its own; leave out --url');
  process.exit(2);
}

simulate({
  scenario: values.scenario,
  points: count('points', values.points, 1, 100_000),
  chairScript: values['chair-script'],
  url: values.url,
  nodes,
  workers: count('workers', values.workers, 1, 64),
  adminKey: values['admin-key'],
  rollCallDeadlineSec: count('deadline-sec', values['deadline-sec'], 5, 3600),
  grantGapMs: count('grant-gap-ms', values['grant-gap-ms'], 0, 600_000),
  profiles: values.profiles,
  unitOutage: values['unit-outage'],
  linked: values.linked,
  children: count('children', values.children, 1, 100),
  log: (line) => console.error(line),
}).then(
  (summary) => {
    const { errorSamples, meetingId, durationMs, ...line } = summary;
    if (errorSamples.length > 0) {
      console.error(`errors: ${errorSamples.join(' | ')}`);
    }
    console.log(JSON.stringify(line));
    console.error(
      `meeting ${meetingId} in ${Math.round(durationMs / 1000)} s over ${summary.nodes} coordinator(s), ` +
        `${summary.rateLimited} chair commands retried as too fast: ` +
        `joined ${summary.joined}, floorTurns ${summary.floorTurns}, errors ${summary.errors}`,
    );
    process.exit(summary.errors === 0 && summary.joined === summary.points ? 0 : 1);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
