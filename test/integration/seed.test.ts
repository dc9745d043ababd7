import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type AppServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { seedScenario } from '../../server/scenarios/seed.js';
import { tempDir } from '../helpers/tmp.js';

describe('the demo meeting npm start seeds', () => {
  let server: AppServer | null = null;
  let remove: () => Promise<void> = async () => undefined;

  afterEach(async () => {
    await server?.close();
    await remove();
  });

  it('is reused while it runs, and replaced by a new open one once it has ended, so printed links always work', async () => {
    const temp = await tempDir();
    remove = temp.remove;
    server = await startServer(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: temp.dir, STORE_FSYNC: 'never', LOG_LEVEL: 'silent' }),
    );
    const first = await seedScenario(server.meetings, 'two-level-province-2026');
    expect(first.meeting.id).toBe('demo-two-level-province-2026');
    expect((await seedScenario(server.meetings, 'two-level-province-2026')).meeting.id).toBe(first.meeting.id);

    await first.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
    await first.meeting.execute({ type: 'meeting.end' }, { role: 'chair' });
    const second = await seedScenario(server.meetings, 'two-level-province-2026');
    expect(second.meeting.id).toBe('demo-two-level-province-2026-2');
    expect(second.meeting.state.status).toBe('open');
    expect(server.meetings.get(first.meeting.id).state.status).toBe('ended');
  });
});
