import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../../client/src/i18n/en.js';
import { vi } from '../../../client/src/i18n/vi.js';

const CLIENT = join(import.meta.dirname, '..', '..', '..', 'client', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);

    return entry.isDirectory() ? sources(path) : /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const lookup = (table: unknown, key: string): unknown =>
  key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], table);

describe('the consoles’ strings', () => {
  it('every literal key the consoles translate is a string in Vietnamese and in English', () => {
    const keys = new Set<string>();
    for (const file of sources(CLIENT)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) {
        keys.add(match[1] as string);
      }
    }
    expect(keys.size).toBeGreaterThan(100);
    // A key counted by i18next (`{ count }`) lives as `key_one` / `key_other`.
    const has = (table: unknown, key: string) =>
      typeof lookup(table, key) === 'string' || typeof lookup(table, `${key}_other`) === 'string';
    const missing = [...keys].filter((key) => !has(vi, key) || !has(en, key));
    expect(missing).toEqual([]);
  });
});
