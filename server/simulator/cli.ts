import { parseArgs } from 'node:util';
import { simulate } from './simulate.js';

/**
 * `npm run simulate -- --scenario <id> [--points N] [--chair-script] [--url URL] [--admin-key KEY]
 *   [--profiles lossy=0.1,flapping=0.05,dead=0.02] [--unit-outage <unit code>]`
 * Progress goes to stderr; the last line on stdout is one JSON summary.
 */
const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'bac-giang-2021-09-28' },
    points: { type: 'string' },
    'chair-script': { type: 'boolean', default: false },
    url: { type: 'string' },
    'admin-key': { type: 'string', default: process.env.ADMIN_API_KEY ?? 'diemcau-dev-admin' },
    'deadline-sec': { type: 'string', default: '5' },
    profiles: { type: 'string' },
    'unit-outage': { type: 'string' },
  },
});

const points = values.points === undefined ? undefined : Number(values.points);
if (points !== undefined && (!Number.isInteger(points) || points < 1)) {
  console.error('--points must be a positive integer');
  process.exit(2);
}

simulate({
  scenario: values.scenario,
  points,
  chairScript: values['chair-script'],
  url: values.url,
  adminKey: values['admin-key'],
  rollCallDeadlineSec: Number(values['deadline-sec']),
  profiles: values.profiles,
  unitOutage: values['unit-outage'],
  log: (line) => console.error(line),
}).then(
  (summary) => {
    const { errorSamples, meetingId, durationMs, ...line } = summary;
    if (errorSamples.length > 0) {
      console.error(`errors: ${errorSamples.join(' | ')}`);
    }
    console.error(`meeting ${meetingId} in ${durationMs} ms`);
    console.log(JSON.stringify(line));
    process.exit(summary.errors === 0 ? 0 : 1);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
