import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import {
  assertValidDirectory,
  type Directory,
  type Located,
  type Point,
  type Unit,
} from '../domain/directory/directory.js';
import { DomainError, type IssueDetail } from '../domain/core/errors.js';
import { directoryBody, pointRecord, unitRecord } from '../protocol/http.js';
import { normalizeStrings, toNfc } from '../domain/core/text.js';

/** CSV columns, in this order; the first line is this header. */
export const CSV_COLUMNS = ['kind', 'code', 'name', 'level', 'parent', 'technician_name', 'technician_phone'] as const;
/** Columns a file may add after those (older files do without them): a hardware room's SIP address. */
export const CSV_OPTIONAL_COLUMNS = ['sip_uri'] as const;

const MAX_ROWS = 40_000;

/**
 * Parses a directory CSV: one row per unit (`kind` = unit, `parent` = parent unit code or empty for a root) or point
 * (`kind` = point, `parent` = its unit's code, with optional technician name and phone). Every problem is reported
 * with its line; nothing is returned unless the whole file is valid.
 */
export function parseDirectoryCsv(raw: string): Directory {
  // Files from other offices come decomposed (NFD), with a byte-order mark and CRLF: one form before anything else.
  const csv = toNfc(raw);
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(csv, {
      columns: true,
      info: true,
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new DomainError('IMPORT_INVALID', 'Tệp CSV không đọc được (unreadable CSV)', [
      { line, message: (error as Error).message },
    ]);
  }
  const header =
    csv
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/, 1)[0]
      ?.split(',')
      .map((h) => h.trim()) ?? [];
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new DomainError('IMPORT_INVALID', `Thiếu cột: ${missing.join(', ')} (missing columns)`, [
      { line: 1, message: `expected header: ${CSV_COLUMNS.join(',')}` },
    ]);
  }
  if (rows.length > MAX_ROWS) {
    throw new DomainError('IMPORT_INVALID', `Quá ${MAX_ROWS} dòng (too many rows)`);
  }
  const issues: IssueDetail[] = [];
  const units: Located<Unit>[] = [];
  const points: Located<Point>[] = [];
  for (const { record, info } of rows) {
    const line = info.lines;
    const parent = record.parent ?? '';
    if (record.kind === 'unit') {
      collect(
        unitRecord,
        { code: record.code, name: record.name, level: record.level, parentCode: parent || null },
        line,
        issues,
        units,
      );
    } else if (record.kind === 'point') {
      const hasTechnician = (record.technician_name ?? '') !== '' || (record.technician_phone ?? '') !== '';
      const technician = hasTechnician ? { name: record.technician_name, phone: record.technician_phone } : null;
      collect(
        pointRecord,
        {
          code: record.code,
          name: record.name,
          level: record.level,
          unitCode: parent,
          technician,
          ...((record.sip_uri ?? '') === '' ? {} : { sipUri: record.sip_uri }),
        },
        line,
        issues,
        points,
      );
    } else {
      issues.push({ line, path: 'kind', message: `kind phải là unit hoặc point, không phải "${record.kind ?? ''}"` });
    }
  }
  return validTree(units, points, issues);
}

/** Parses a directory JSON body `{ units: [...], points: [...] }`; issues name the JSON path. */
export function parseDirectoryJson(raw: unknown): Directory {
  const body = normalizeStrings(raw);
  const top = directoryBody.safeParse(body);
  if (!top.success) {
    throw new DomainError(
      'IMPORT_INVALID',
      'Cần { units: [...], points: [...] } (expected units and points arrays)',
      toIssues(top.error, ''),
    );
  }
  const issues: IssueDetail[] = [];
  const units: Located<Unit>[] = [];
  const points: Located<Point>[] = [];
  top.data.units.forEach((u, i) => collect(unitRecord, u, undefined, issues, units, `units[${i}]`));
  top.data.points.forEach((p, i) => collect(pointRecord, p, undefined, issues, points, `points[${i}]`));
  return validTree(units, points, issues);
}

/** Row problems first (a tree check over half-read rows would only add noise), then the tree's own integrity. */
function validTree(units: Located<Unit>[], points: Located<Point>[], rowIssues: IssueDetail[]): Directory {
  if (rowIssues.length > 0) {
    throw DomainError.importInvalid(rowIssues);
  }

  return assertValidDirectory(units, points);
}

function collect<T>(
  schema: z.ZodType<T>,
  value: unknown,
  line: number | undefined,
  issues: IssueDetail[],
  into: Located<T>[],
  prefix = '',
): void {
  const parsed = schema.safeParse(value);
  if (parsed.success) {
    into.push({ value: parsed.data, line });
  } else {
    issues.push(...toIssues(parsed.error, prefix).map((issue) => ({ ...issue, line })));
  }
}

function toIssues(error: z.ZodError, prefix: string): IssueDetail[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((s) => s !== '').join('.'),
    message: issue.message,
  }));
}
