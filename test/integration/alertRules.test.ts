import { execFileSync, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

const RULES = fileURLToPath(new URL('../../infra/prometheus/alerts.yml', import.meta.url));
const RULE_TESTS = fileURLToPath(new URL('../../infra/prometheus/alerts.test.yml', import.meta.url));
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

/**
 * The technicians' alert rules: valid for Prometheus, firing on the series that should fire them and not on the
 * others (promtool, from Debian's prometheus package, which CI installs), and written on metrics a coordinator serves.
 */
describe('the alert rules for the technicians (infra/prometheus/alerts.yml)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it.skipIf(!hasPromtool && process.env.CI !== 'true')('pass promtool check rules and promtool test rules', () => {
    expect(execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' })).toMatch(/SUCCESS: 8 rules/);
    expect(execFileSync('promtool', ['test', 'rules', RULE_TESTS], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });

  it('use only metrics a coordinator serves at /metrics', async () => {
    const served = new Set(
      [...(await (await fetch(`${t.url}/metrics`)).text()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]),
    );
    const named = new Set(
      [...(await readFile(RULES, 'utf8')).matchAll(/\b(diemcau_[a-z_]+)/g)].map((m) =>
        (m[1] ?? '').replace(/_bucket$/, ''),
      ),
    );
    expect([...named].filter((name) => !served.has(name))).toEqual([]);
    expect(named.size).toBeGreaterThanOrEqual(6);
  });

  it('serves the links and the store appends the rules watch', async () => {
    await t.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
    const text = await (await fetch(`${t.url}/metrics`)).text();
    // Appends were timed (the meeting's events above), and no worker died.
    expect(Number(/^diemcau_store_append_seconds_count (\d+)/m.exec(text)?.[1] ?? 0)).toBeGreaterThan(0);
    expect(text).toMatch(/^diemcau_media_worker_deaths_total 0$/m);
  });
});
