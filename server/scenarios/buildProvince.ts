import type { MeetingInput } from '../domain/core/definition.js';
import type { Directory, Point, Unit } from '../domain/directory/directory.js';
import { KNOWN_LEVELS } from '../domain/directory/directory.js';
import { personName, phoneNumber, placeNames, seededRandom } from './names.js';
import { countOf, DEFAULT_AGENDA, type Scenario } from './scenarios.js';

/** Real district names where the report's province is known, so the demo reads true. */
const KNOWN_CHILDREN: Record<string, string[]> = {
  'Tỉnh ủy Bắc Giang': [
    'Thành phố Bắc Giang',
    'Huyện Việt Yên',
    'Huyện Hiệp Hòa',
    'Huyện Tân Yên',
    'Huyện Yên Thế',
    'Huyện Lạng Giang',
    'Huyện Lục Nam',
    'Huyện Lục Ngạn',
    'Huyện Sơn Động',
    'Huyện Yên Dũng',
  ],
};

const CODE_PREFIX: Record<string, string> = {
  nation: 'TW',
  province: 'T',
  city: 'TP',
  district: 'H',
  town: 'TX',
  commune: 'X',
  ward: 'P',
  township: 'TT',
  village: 'TH',
  quarter: 'KP',
};

/**
 * A scenario's level as the directory's code (`province`; `Tổ dân phố` → `to_dan_pho`) and as the Vietnamese word
 * that starts its units' names (known levels' own word, else the scenario's, else "Đơn vị").
 */
function levelOf(raw: string): { level: string; word: string } {
  const name = (raw.split('/')[0] ?? raw).trim();
  const level =
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase()
      .replace(/[^a-z]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 32) || 'unit';
  const known = KNOWN_LEVELS[level as keyof typeof KNOWN_LEVELS] as string | undefined;
  const own = /[^a-z_]/.test(name) ? name.charAt(0).toLocaleUpperCase('vi') + name.slice(1) : undefined;

  return { level: level.length < 2 ? `${level}_level` : level, word: known ?? own ?? 'Đơn vị' };
}

/** A code prefix per level, unique within the directory: the known ones, else the initials of the level's words. */
function prefixFor(level: string, used: Set<string>): string {
  const base =
    CODE_PREFIX[level] ??
    level
      .split('_')
      .map((w) => w.charAt(0).toUpperCase())
      .join('');
  let prefix = base;
  for (let n = 2; used.has(prefix); n += 1) {
    prefix = `${base}${n}`;
  }
  used.add(prefix);

  return prefix;
}

/** Spreads `total` children over `parents` evenly; `fixed` pins some parents' counts (known subtrees). */
function spread(total: number, parents: number, fixed: number[] = []): number[] {
  const counts = fixed.slice(0, parents);
  const rest = Math.max(0, total - counts.reduce((a, b) => a + b, 0));
  const free = parents - counts.length;
  for (let i = 0; i < free; i += 1) {
    counts.push(Math.floor(rest / free) + (i < rest % free ? 1 : 0));
  }

  return counts;
}

export interface BuiltProvince {
  directory: Directory;
  hubUnitCode: string;
  hubPointId: string;
}

/**
 * Builds the directory a scenario describes: the hub's unit at the top, each further level spread over the one above
 * (counts from the report, or from `subtrees`, or generated), and one bridge point per unit with a site technician.
 * `pointsLimit` caps the invited points (the simulator's `--points`).
 */
export function buildProvince(scenario: Scenario): BuiltProvince {
  const random = seededRandom(scenario.id);
  const nextPlace = placeNames(random, scenario.points ?? []);
  const levels = Object.entries(scenario.levels).map(([raw, count]) => ({ ...levelOf(raw), count }));
  const usedPrefixes = new Set<string>();
  const units: Unit[] = [];
  const points: Point[] = [];
  const addPoint = (unit: Unit, name: string) =>
    points.push({
      code: `DC-${unit.code}`,
      name,
      level: unit.level,
      unitCode: unit.code,
      technician: { name: personName(random), phone: phoneNumber(random) },
    });

  const top = levels[0] ?? { ...levelOf(scenario.hub.level), count: 1 };
  const rootName = scenario.hub.name.replace(/^(Tỉnh ủy|Thành ủy|Huyện ủy)\s*/, '').trim();
  const root: Unit = {
    code: `${prefixFor(top.level, usedPrefixes)}01`,
    name:
      rootName === ''
        ? `${top.word} ${nextPlace()}`
        : rootName.includes(top.word)
          ? top.word
          : `${top.word} ${rootName}`,
    level: top.level,
    parentCode: null,
  };
  units.push(root);
  addPoint(root, `Điểm cầu trung tâm ${scenario.hub.name}`);

  let parents = [root];
  levels.slice(1).forEach(({ level, word, count }, depth) => {
    const fallback = parents.length === 1 ? 12 : parents.length * 3;
    const total = scenario.points !== undefined && depth === 0 ? scenario.points.length : countOf(count, fallback);
    const fixed = depth === 1 ? (scenario.subtrees ?? []).map((s) => Number(s[level])).filter(Number.isInteger) : [];
    const counts = spread(total, parents.length, fixed);
    const prefix = prefixFor(level, usedPrefixes);
    const width = String(total).length;
    const children: Unit[] = [];
    let n = 0;
    parents.forEach((parent, i) => {
      for (let k = 0; k < (counts[i] ?? 0); k += 1) {
        n += 1;
        const known =
          depth === 0 ? (KNOWN_CHILDREN[scenario.hub.name]?.[n - 1] ?? scenario.points?.[n - 1]) : undefined;
        const name = known?.match(/^(Huyện|Thành phố|Thị xã|Xã|Phường)\s/) ? known : `${word} ${known ?? nextPlace()}`;
        const unit: Unit = { code: `${prefix}${String(n).padStart(width, '0')}`, name, level, parentCode: parent.code };
        children.push(unit);
        units.push(unit);
        addPoint(unit, `Điểm cầu ${name}`);
      }
    });
    parents = children;
  });

  return { directory: { units, points }, hubUnitCode: root.code, hubPointId: `DC-${root.code}` };
}

/** The scenario's meeting over the whole province: its title, kind, chairs, agenda and speaking limit. */
export function scenarioMeetingInput(
  scenario: Scenario,
  built: BuiltProvince,
  scheduledStart: number,
  id?: string,
): MeetingInput {
  const random = seededRandom(`${scenario.id}:chairs`);
  const chairs = (scenario.chairs ?? [{ title: 'Bí thư' }]).map((c, i) => ({
    name: c.name ?? personName(random),
    title: c.title,
    role: i === 0 ? ('chair' as const) : ('cochair' as const),
  }));

  return {
    id,
    title: scenario.title ?? `Hội nghị giao ban trực tuyến ${scenario.hub.name}`,
    kind: scenario.kind ?? 'briefing',
    scheduledStart,
    hubPointId: built.hubPointId,
    invite: { units: [built.hubUnitCode] },
    chairs,
    agenda: scenario.agenda ?? DEFAULT_AGENDA,
    settings: scenario.floor?.speakingLimitSeconds
      ? { speakingLimitSec: scenario.floor.speakingLimitSeconds }
      : undefined,
  };
}
