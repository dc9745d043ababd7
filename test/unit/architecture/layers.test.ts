import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cruise, type IForbiddenRuleType, type IReporterOutput } from 'dependency-cruiser';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp.js';

/**
 * The layering check `npm run lint` runs over server/ (`npm run lint:layers`), here over small trees written for the
 * test: that each rule finds what it is there to find.
 */
async function violationsIn(files: Record<string, string>): Promise<string[]> {
  const { dir, remove } = await tempDir();
  cleanups.push(remove);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  // The fixture's imports name `.js` as the product's do: resolved to the `.ts` beside them.
  const result: IReporterOutput = await cruise(
    ['server'],
    {
      validate: true,
      ruleSet: { forbidden: layering.forbidden },
      baseDir: dir,
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
    },
    { extensionAlias: { '.js': ['.ts', '.js'] } },
  );
  const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };

  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

/** The rules as `npm run lint` reads them (a plain module at the repository's root, not typed). */
const CONFIG = '../../../.dependency-cruiser.mjs';
const layering = ((await import(CONFIG)) as { default: { forbidden: IForbiddenRuleType[] } }).default;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

describe('the layering check', () => {
  it('finds an import cycle, even one of types only', async () => {
    const found = await violationsIn({
      'server/domain/core/model.ts': "import type { Tally } from '../rollCall/rollCall.js';\nexport type M = Tally;\n",
      'server/domain/rollCall/rollCall.ts':
        "import type { M } from '../core/model.js';\nexport type Tally = number;\nexport type U = M;\n",
    });
    expect(found).toContain('no-cycle: server/domain/core/model.ts → server/domain/rollCall/rollCall.ts');
  });

  it('finds the base naming a rule, a rule importing the dispatcher, and the domain leaving its folder', async () => {
    const found = await violationsIn({
      'server/domain/core/events.ts': "import { rule } from '../floor/floor.js';\nexport const e = rule;\n",
      'server/domain/floor/floor.ts': "import { x } from '../apply.js';\nexport const rule = x;\n",
      'server/domain/apply.ts': 'export const x = 1;\n',
      'server/domain/record/minutes.ts': "import { db } from '../../store/db.js';\nexport const m = db;\n",
      'server/store/db.ts': 'export const db = 1;\n',
      'server/domain/content/types.ts': 'export type Content = string;\n',
      'server/domain/core/model.ts': "import type { Content } from '../content/types.js';\nexport type C = Content;\n",
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'domain-base-below-concerns: server/domain/core/events.ts → server/domain/floor/floor.ts',
        'domain-dispatch-on-top: server/domain/floor/floor.ts → server/domain/apply.ts',
        'domain-is-pure: server/domain/record/minutes.ts → server/store/db.ts',
      ]),
    );
    // A concern's types are the base's to name.
    expect(found.filter((v) => v.includes('core/model.ts'))).toEqual([]);
  });

  it('finds an adapter reaching up into an edge, and the protocol importing an adapter', async () => {
    const found = await violationsIn({
      'server/media/bridge.ts': "import { io } from '../signaling/server.js';\nexport const b = io;\n",
      'server/signaling/server.ts': 'export const io = 1;\n',
      'server/protocol/events.ts': "import type { B } from '../media/types.js';\nexport type E = B;\n",
      'server/media/types.ts': 'export type B = number;\n',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'adapters-below-edges: server/media/bridge.ts → server/signaling/server.ts',
        'protocol-over-domain: server/protocol/events.ts → server/media/types.ts',
      ]),
    );
  });
});
