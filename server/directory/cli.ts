import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { DomainError } from '../domain/core/errors.js';
import { FileDirectoryStore } from '../store/embedded/FileDirectoryStore.js';
import { parseDirectoryCsv, parseDirectoryJson } from './importDirectory.js';

/**
 * `npm run directory:import -- <file.csv|file.json> [--dry-run] [--url URL] [--admin-key KEY]`
 * Without --url, writes the embedded store in DATA_DIR (stop the server first); with --url, posts to a running server.
 * All or nothing: any error is printed with its line and nothing changes.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'dry-run': { type: 'boolean', default: false },
    url: { type: 'string' },
    'admin-key': { type: 'string', default: process.env.ADMIN_API_KEY ?? 'diemcau-dev-admin' },
  },
});

async function main(): Promise<number> {
  const file = positionals[0];
  if (file === undefined) {
    console.error('usage: npm run directory:import -- <file.csv|file.json> [--dry-run] [--url URL] [--admin-key KEY]');

    return 2;
  }
  const text = await readFile(file, 'utf8');
  const isJson = file.toLowerCase().endsWith('.json');
  if (values.url !== undefined) {
    const query = values['dry-run'] ? '?dryRun=1' : '';
    const response = await fetch(`${values.url.replace(/\/$/, '')}/api/directory${query}`, {
      method: 'POST',
      headers: { 'x-api-key': values['admin-key'], 'content-type': isJson ? 'application/json' : 'text/csv' },
      body: text,
    });
    const body = (await response.json()) as { error?: DomainError };
    if (!response.ok) {
      report(body.error as DomainError);

      return 1;
    }
    console.log(JSON.stringify(body));

    return 0;
  }
  try {
    const directory = isJson ? parseDirectoryJson(JSON.parse(text)) : parseDirectoryCsv(text);
    if (!values['dry-run']) {
      await new FileDirectoryStore({ path: join(loadConfig().DATA_DIR, 'directory.json') }).save(directory);
    }
    console.log(
      JSON.stringify({
        ok: true,
        dryRun: values['dry-run'],
        units: directory.units.length,
        points: directory.points.length,
      }),
    );

    return 0;
  } catch (error) {
    if (error instanceof DomainError || error instanceof SyntaxError) {
      report(error instanceof SyntaxError ? new DomainError('IMPORT_INVALID', error.message) : error);

      return 1;
    }
    throw error;
  }
}

function report(error: Pick<DomainError, 'code' | 'message' | 'details'>): void {
  console.error(`${error.code}: ${error.message}`);
  for (const detail of error.details ?? []) {
    console.error(
      `  ${detail.line !== undefined ? `dòng ${detail.line}` : ''}${detail.path ? ` [${detail.path}]` : ''}: ${detail.message}`,
    );
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
