import type { PointStatus } from '../../../server/protocol/messages.js';

export interface UnitNode {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}

/** Units in tree order (each parent before its children), with their depth, for selects and the tree view. */
export function unitsInTreeOrder(units: readonly UnitNode[]): { unit: UnitNode; depth: number }[] {
  const children = new Map<string | null, UnitNode[]>();
  const known = new Set(units.map((u) => u.code));
  for (const unit of units) {
    // A parent outside the meeting's units makes the unit a root, never an orphan that disappears.
    const parent = unit.parentCode !== null && known.has(unit.parentCode) ? unit.parentCode : null;
    children.set(parent, [...(children.get(parent) ?? []), unit]);
  }
  const out: { unit: UnitNode; depth: number }[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const unit of children.get(parent) ?? []) {
      out.push({ unit, depth });
      visit(unit.code, depth + 1);
    }
  };
  visit(null, 0);

  return out;
}

/** The unit and every unit below it. */
export function unitSubtree(units: readonly UnitNode[], unitCode: string): Set<string> {
  const out = new Set([unitCode]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const unit of units) {
      if (unit.parentCode !== null && out.has(unit.parentCode) && !out.has(unit.code)) {
        out.add(unit.code);
        grew = true;
      }
    }
  }

  return out;
}

/**
 * The units of a subtree whose rooms live on coordinators of their own (no point of theirs in this directory, as a
 * centre's directory holds its provinces): they join by linking their own meeting in. The topmost of each such branch.
 */
export function linkedUnitsOf(
  units: readonly UnitNode[],
  points: readonly { unitCode: string }[],
  unitCode: string,
): UnitNode[] {
  const withPoints = new Set(points.map((p) => p.unitCode));
  const hasPoints = (code: string) => [...unitSubtree(units, code)].some((c) => withPoints.has(c));
  const scope = unitSubtree(units, unitCode);
  const empty = units.filter((u) => scope.has(u.code) && u.code !== unitCode && !hasPoints(u.code));
  const emptyCodes = new Set(empty.map((u) => u.code));

  return empty.filter((u) => u.parentCode === null || !emptyCodes.has(u.parentCode));
}

/** Points of a unit subtree (all points for `null`), in the given order. */
export function pointsOfUnit(
  units: readonly UnitNode[],
  order: readonly string[],
  points: Record<string, PointStatus>,
  unitCode: string | null,
): PointStatus[] {
  const scope = unitCode === null ? null : unitSubtree(units, unitCode);

  return order
    .map((id) => points[id])
    .filter((p): p is PointStatus => p !== undefined && (scope === null || scope.has(p.unitId)));
}
