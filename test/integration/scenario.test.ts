import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AppServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { replay } from '../../server/domain/apply.js';
import { simulate } from '../../server/simulator/simulate.js';
import { ADMIN_KEY } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

describe('a whole province meeting over real sockets', () => {
  let server: AppServer;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const temp = await tempDir();
    remove = temp.remove;
    server = await startServer(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: temp.dir, ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'silent' }),
    );
  });

  afterAll(async () => {
    await server.close();
    await remove();
  });

  it('Bắc Giang 28/09/2021: 219 points join, roll call, 34 floor turns, answers, attendance for all', async () => {
    const summary = await simulate({
      scenario: 'bac-giang-2021-09-28',
      chairScript: true,
      grantGapMs: 300,
      url: server.url,
      adminKey: ADMIN_KEY,
    });
    expect(summary.errorSamples).toEqual([]);
    expect(summary).toMatchObject({ points: 219, joined: 219, floorTurns: 34, attendanceRows: 219, errors: 0 });
    const { present, late, absent, noSignal } = summary.rollCall;
    expect(present + late + absent + noSignal).toBe(219);
    expect(present).toBeGreaterThan(100);

    const runtime = server.meetings.get(summary.meetingId);
    const state = runtime.state;
    expect(state.status).toBe('ended');
    expect(state.turns).toHaveLength(34);
    expect(Object.values(state.requests).filter((r) => r.answers.length > 0).length).toBe(
      state.turns.filter((turn) => turn.requestId !== null && state.requests[turn.requestId]?.kind === 'petition')
        .length,
    );
    // The log on disk alone rebuilds the meeting exactly.
    expect(replay(await server.meetings.log(summary.meetingId))).toEqual(state);

    const csv = await fetch(`${server.url}/api/meetings/${summary.meetingId}/attendance.csv`, {
      headers: { 'x-api-key': ADMIN_KEY },
    });
    const lines = (await csv.text()).trim().split('\r\n');
    // One line per point, each with its roll-call outcome, and the meeting's total.
    expect(lines.filter((l) => /,DC-[^,]+,(Có mặt|Đến muộn|Vắng|Mất tín hiệu),/.test(l))).toHaveLength(219);
    expect(lines.find((l) => l.startsWith(',Tổng,'))).toContain(',219 điểm cầu,');
  }, 120_000);
});
