import { useMemo } from 'react';
import type { UnitNode } from '../state/units.js';
import { unitsInTreeOrder } from '../state/units.js';

/** A unit picker in tree order, indented by depth, with an "all" choice (the empty value). */
export function UnitSelect({
  units,
  value,
  onChange,
  allLabel,
  label,
}: {
  units: readonly UnitNode[];
  value: string;
  onChange: (unitCode: string) => void;
  allLabel: string;
  label?: string;
}) {
  const tree = useMemo(() => unitsInTreeOrder(units), [units]);

  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={label}>
      <option value="">{allLabel}</option>
      {tree.map(({ unit, depth }) => (
        <option key={unit.code} value={unit.code}>
          {'  '.repeat(depth)}
          {unit.name}
        </option>
      ))}
    </select>
  );
}
