import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { MeetingInput } from '../domain/core/definition.js';
import { DomainError } from '../domain/core/errors.js';
import { AGENDA_KINDS, FLOOR_KINDS, MEETING_KINDS, type FloorKind } from '../domain/core/model.js';

const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data');

const countish = z.union([z.number().int().nonnegative(), z.string()]);

/** A meeting scenario from a published report (server/scenarios/data/README.md). */
export const scenarioSchema = z.object({
  id: z.string(),
  source: z.string(),
  title: z.string().optional(),
  date: z.string().optional(),
  kind: z.enum(MEETING_KINDS).optional(),
  hub: z.object({ name: z.string(), level: z.string() }),
  chairs: z.array(z.object({ name: z.string().optional(), title: z.string() })).optional(),
  levels: z.record(z.string(), countish),
  subtrees: z.array(z.record(z.string(), z.union([z.string(), z.number()]))).optional(),
  points: z.array(z.string()).optional(),
  agenda: z.array(z.object({ kind: z.enum(AGENDA_KINDS), title: z.string(), by: z.string().optional() })).optional(),
  floor: z
    .object({
      turns: countish.optional(),
      kinds: z.array(z.enum(FLOOR_KINDS)).optional(),
      speakingLimitSeconds: z.number().int().optional(),
    })
    .optional(),
  topics: z.array(z.string()).optional(),
  petitions: z.array(z.union([z.string(), z.object({ text: z.string(), to: z.string().optional() })])).optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;

export function scenarioIds(): string[] {
  return readdirSync(DATA_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/**
 * A scenario by id (server/scenarios/data), or from a file when given a path (anything with a `/` or ending in
 * `.json`). Refuses, with the reason, an unknown id, an unreadable file or one that does not fit the schema.
 */
export function loadScenario(idOrPath: string): Scenario {
  const isPath = idOrPath.includes('/') || idOrPath.endsWith('.json');
  if (!isPath && !scenarioIds().includes(idOrPath)) {
    throw new DomainError(
      'NOT_FOUND',
      `Không có kịch bản ${idOrPath}; có: ${scenarioIds().join(', ')}, hoặc đường dẫn tới tệp .json (unknown scenario)`,
    );
  }
  const path = isPath ? idOrPath : join(DATA_DIR, `${idOrPath}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DomainError('VALIDATION_FAILED', `Không đọc được kịch bản ${path}: ${(error as Error).message}`);
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(gốc)'}: ${i.message}`).join('; ');
    throw new DomainError('VALIDATION_FAILED', `Kịch bản ${path} không hợp lệ: ${issues}`);
  }

  return parsed.data;
}

/** A count from the report, or the first number in its note, or `fallback` when the report does not say. */
export function countOf(value: number | string | undefined, fallback: number): number {
  if (typeof value === 'number') {
    return value;
  }
  const match = value?.match(/\d+/);

  return match ? Number(match[0]) : fallback;
}

export const DEFAULT_AGENDA: MeetingInput['agenda'] = [
  { kind: 'opening', title: 'Phát biểu khai mạc', by: 'chair' },
  { kind: 'report', title: 'Báo cáo tình hình' },
  { kind: 'discussion', title: 'Thảo luận, kiến nghị của các địa phương' },
  { kind: 'answers', title: 'Các sở, ngành giải đáp' },
  { kind: 'conclusion', title: 'Kết luận hội nghị', by: 'chair' },
];

/** What the simulator's chair script plays: the scenario's floor turns, kinds, topics and petitions. */
export interface FloorScript {
  turns: number;
  kinds: FloorKind[];
  topics: string[];
  petitions: { text: string; to: string | null }[];
}

export function floorScript(scenario: Scenario): FloorScript {
  return {
    turns: countOf(scenario.floor?.turns, 10),
    kinds: scenario.floor?.kinds ?? ['speech', 'petition'],
    topics: scenario.topics ?? [],
    petitions: (scenario.petitions ?? []).map((p) =>
      typeof p === 'string' ? { text: p, to: null } : { text: p.text, to: p.to ?? null },
    ),
  };
}
