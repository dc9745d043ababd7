import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const CLI = ['node_modules/.bin/tsx', 'server/directory/cli.ts'];

describe('directory import CLI', () => {
  let dir: string;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, remove } = await tempDir());
  });

  afterEach(async () => {
    await remove();
  });

  it('imports the example CSV into the embedded store', async () => {
    const { stdout } = await run(CLI[0]!, [CLI[1]!, 'docs/examples/directory.csv'], {
      env: { ...process.env, DATA_DIR: dir },
    });
    expect(JSON.parse(stdout)).toEqual({ ok: true, dryRun: false, units: 4, points: 4 });
    const saved = JSON.parse(await readFile(join(dir, 'directory.json'), 'utf8')) as { units: { level: string }[] };
    expect(saved.units.map((u) => u.level)).toEqual(['province', 'district', 'commune', 'village']);
  });

  it('prints each broken line and changes nothing', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(
      bad,
      'kind,code,name,level,parent,technician_name,technician_phone\nunit,T,Tỉnh,province,,,\npoint,P1,Điểm,commune,T,An,12\n',
    );
    const failure = await run(CLI[0]!, [CLI[1]!, bad], { env: { ...process.env, DATA_DIR: dir } }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/dòng 3 \[technician.phone\]/);
    await expect(readFile(join(dir, 'directory.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
