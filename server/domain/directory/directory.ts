import { DomainError, type IssueDetail } from '../core/errors.js';

/**
 * Administrative levels we know a Vietnamese label for. Units may use any lowercase level name (a tree of any depth);
 * these are the common ones since and before the 2025 two-level reform.
 */
export const KNOWN_LEVELS = {
  nation: 'Trung ương',
  province: 'Tỉnh',
  city: 'Thành phố',
  district: 'Huyện',
  town: 'Thị xã',
  commune: 'Xã',
  ward: 'Phường',
  township: 'Thị trấn',
  village: 'Thôn',
  quarter: 'Khu phố',
} as const satisfies Record<string, string>;

/** A node of the administrative tree (đơn vị hành chính). */
export interface Unit {
  /** Unique code, also its id. */
  code: string;
  /** Vietnamese name, e.g. "Huyện Lục Ngạn". */
  name: string;
  /** Level, e.g. `province`, `district`, `commune`, `village`. */
  level: string;
  /** Parent unit's code; `null` for a root. */
  parentCode: string | null;
}

/** The site technician (kỹ thuật viên) responsible for a point. */
export interface Technician {
  name: string;
  phone: string;
}

/** A bridge point (điểm cầu): one meeting room, belonging to a unit. */
export interface Point {
  /** Unique code, also its id (`pointId` in meetings). */
  code: string;
  /** Vietnamese name, e.g. "Điểm cầu xã Biển Động". */
  name: string;
  level: string;
  /** Code of the unit the point belongs to. */
  unitCode: string;
  technician: Technician | null;
  /**
   * The room system's SIP address when the room is a hardware codec (`room12@10.20.30.40`, normal form of
   * domain/sip/sipAddress.ts): how a call from it is recognised and where "Gọi điểm cầu" dials. Absent for browser rooms.
   */
  sipUri?: string | null;
}

export interface Directory {
  units: Unit[];
  points: Point[];
}

/** Fast lookups over a directory or a meeting's snapshot of it. */
export class DirectoryIndex {
  readonly units = new Map<string, Unit>();
  readonly points = new Map<string, Point>();
  readonly #childUnits = new Map<string, string[]>();
  readonly #pointsByUnit = new Map<string, string[]>();

  constructor({ units, points }: Directory) {
    for (const unit of units) {
      this.units.set(unit.code, unit);
      if (unit.parentCode !== null) {
        push(this.#childUnits, unit.parentCode, unit.code);
      }
    }
    for (const point of points) {
      this.points.set(point.code, point);
      push(this.#pointsByUnit, point.unitCode, point.code);
    }
  }

  /** Codes of the unit and all its descendants, depth first. */
  subtreeUnits(unitCode: string): string[] {
    const out: string[] = [];
    const stack = [unitCode];
    while (stack.length > 0) {
      const code = stack.pop() as string;
      out.push(code);
      stack.push(...(this.#childUnits.get(code) ?? []).slice().reverse());
    }

    return out;
  }

  /** Points belonging to the unit or any unit below it. */
  subtreePoints(unitCode: string): string[] {
    return this.subtreeUnits(unitCode).flatMap((code) => this.#pointsByUnit.get(code) ?? []);
  }

  /** The unit's ancestors from the root down to and including the unit itself. */
  unitPath(unitCode: string): Unit[] {
    const path: Unit[] = [];
    let current = this.units.get(unitCode);
    while (current !== undefined && path.length <= this.units.size) {
      path.unshift(current);
      current = current.parentCode === null ? undefined : this.units.get(current.parentCode);
    }

    return path;
  }

  /**
   * The unit a point is counted under in tallies, alerts and exports. A unit with units below it (a district and its
   * communes) counts its own room under itself; a leaf unit's room (a commune) under the parent, so a province's
   * communes make one row per district, not one per commune. A root counts under itself.
   */
  groupUnitOf(pointCode: string): Unit | undefined {
    const point = this.points.get(pointCode);

    return point === undefined ? undefined : this.groupUnitOfUnit(point.unitCode);
  }

  /** `groupUnitOf` for a point of this unit. */
  groupUnitOfUnit(unitCode: string): Unit | undefined {
    const unit = this.units.get(unitCode);
    if (unit?.parentCode == null || this.#childUnits.has(unit.code)) {
      return unit;
    }

    return this.units.get(unit.parentCode) ?? unit;
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [value]);
  } else {
    list.push(value);
  }
}

/** A directory record with the source line it came from (for line-numbered import errors). */
export interface Located<T> {
  value: T;
  line?: number;
}

/**
 * Checks the tree's integrity: unique codes, parents that exist, no cycles, points under known units.
 * Returns every problem found (empty when the directory is valid).
 */
export function checkDirectory(units: Located<Unit>[], points: Located<Point>[]): IssueDetail[] {
  const issues: IssueDetail[] = [];
  const unitCodes = new Map<string, Located<Unit>>();
  for (const entry of units) {
    if (unitCodes.has(entry.value.code)) {
      issues.push({
        line: entry.line,
        path: 'code',
        message: `Mã đơn vị trùng lặp: ${entry.value.code} (duplicate unit code)`,
      });
    }
    unitCodes.set(entry.value.code, entry);
  }
  for (const entry of units) {
    const { parentCode, code } = entry.value;
    if (parentCode !== null && !unitCodes.has(parentCode)) {
      issues.push({
        line: entry.line,
        path: 'parent',
        message: `Không có đơn vị cấp trên ${parentCode} (unknown parent unit)`,
      });
    }
    if (hasCycle(code, unitCodes)) {
      issues.push({
        line: entry.line,
        path: 'parent',
        message: `Đơn vị ${code} nằm trong vòng lặp cấp trên (parent cycle)`,
      });
    }
  }
  const pointCodes = new Set<string>();
  for (const entry of points) {
    const { code, unitCode } = entry.value;
    if (pointCodes.has(code) || unitCodes.has(code)) {
      issues.push({ line: entry.line, path: 'code', message: `Mã điểm cầu trùng lặp: ${code} (duplicate code)` });
    }
    pointCodes.add(code);
    if (!unitCodes.has(unitCode)) {
      issues.push({
        line: entry.line,
        path: 'parent',
        message: `Không có đơn vị ${unitCode} cho điểm cầu ${code} (unknown unit)`,
      });
    }
  }

  return issues;
}

function hasCycle(start: string, units: Map<string, Located<Unit>>): boolean {
  const seen = new Set<string>();
  let current: string | null = start;
  while (current !== null) {
    if (seen.has(current)) {
      return true;
    }
    seen.add(current);
    current = units.get(current)?.value.parentCode ?? null;
  }

  return false;
}

/** Throws `IMPORT_INVALID` with every issue when the directory is not a valid tree. */
export function assertValidDirectory(units: Located<Unit>[], points: Located<Point>[]): Directory {
  const issues = checkDirectory(units, points);
  if (issues.length > 0) {
    throw DomainError.importInvalid(issues);
  }

  return { units: units.map((u) => u.value), points: points.map((p) => p.value) };
}
