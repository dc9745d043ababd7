import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvince } from '../../server/scenarios/buildProvince.js';
import { loadScenario } from '../../server/scenarios/scenarios.js';
import { simulate } from '../../server/simulator/simulate.js';
import { tempDir } from '../helpers/tmp.js';

describe('the simulator over several coordinators', () => {
  let dir: string;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, remove } = await tempDir());
  });

  afterAll(async () => {
    await remove();
  });

  it('runs a scenario file four levels deep, with level names of its own, over two coordinators on one Redis', async () => {
    const file = join(dir, 'lien-thong.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'lien-thong-4-cap',
        source: 'test: a tree four levels deep with a level the product has no name for',
        hub: { name: 'Trụ sở Trung ương', level: 'nation' },
        levels: { nation: 1, province: 2, commune: 6, 'tổ dân phố': 12 },
        floor: { turns: 4, kinds: ['speech', 'petition'] },
        petitions: [{ text: 'Đề nghị hỗ trợ kinh phí sửa chữa nhà văn hóa thôn', to: 'Sở Tài chính' }],
      }),
    );
    const { directory } = buildProvince(loadScenario(file));
    const hamlets = directory.units.filter((u) => u.level === 'to_dan_pho');
    expect(hamlets).toHaveLength(12);
    expect(hamlets.every((u) => u.name.startsWith('Tổ dân phố '))).toBe(true);
    expect(new Set(directory.units.map((u) => u.code)).size).toBe(21);
    const summary = await simulate({
      scenario: file,
      nodes: 2,
      workers: 2,
      chairScript: true,
      grantGapMs: 300,
      dropShare: 0,
    });
    expect(summary.errorSamples).toEqual([]);
    expect(summary).toMatchObject({
      scenario: 'lien-thong-4-cap',
      nodes: 2,
      workers: 2,
      points: 20,
      joined: 20,
      floorTurns: 4,
      attendanceRows: 20,
      errors: 0,
    });
    const { present, late, absent, noSignal } = summary.rollCall;
    expect(present + late + absent + noSignal).toBe(20);
  }, 120_000);

  it('runs a scenario as linked meetings: a coordinator per province under the nation, every point joined and counted', async () => {
    const file = join(dir, 'lien-thong-2-tinh.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'lien-thong-2-tinh',
        source: 'test: a nation, three provinces and their communes, linked meetings',
        hub: { name: 'Trụ sở Trung ương', level: 'nation' },
        levels: { nation: 1, province: 3, commune: 12 },
        floor: { turns: 3, kinds: ['speech', 'petition'] },
        petitions: [{ text: 'Đề nghị bổ sung kinh phí làm đường liên xã', to: 'Bộ Tài chính' }],
      }),
    );
    const summary = await simulate({
      scenario: file,
      linked: true,
      children: 2,
      workers: 2,
      chairScript: true,
      grantGapMs: 300,
      dropShare: 0,
    });
    expect(summary.errorSamples).toEqual([]);
    // Two provinces of three: their halls and their communes (the province's own point is its hall).
    expect(summary).toMatchObject({ nodes: 3, joined: summary.points, floorTurns: 3, errors: 0 });
    expect(summary.linkedMeetings).toHaveLength(2);
    expect(summary.linkedMeetings?.every((l) => l.state === 'linked')).toBe(true);
    const { present, late, absent, noSignal } = summary.rollCall;
    // Every commune and both halls are in the nation's roll call, each counted once.
    expect(present + late + absent + noSignal).toBe(summary.points + 2);
    const byChild = summary.tallyByChild ?? [];
    expect(byChild.reduce((sum, c) => sum + (c.counts.present ?? 0) + (c.counts.late ?? 0), 0)).toBe(present + late);
  }, 180_000);

  it('refuses a scenario file that does not fit the schema, naming the field', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, JSON.stringify({ id: 'x', source: 'test', levels: { province: 1 } }));
    expect(() => loadScenario(file)).toThrow(/hub/);
    expect(() => loadScenario(join(dir, 'missing.json'))).toThrow(/Không đọc được kịch bản/);
    expect(() => loadScenario('khong-co')).toThrow(/Không có kịch bản khong-co/);
  });
});
