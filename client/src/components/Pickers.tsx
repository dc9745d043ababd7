import { durationLabel } from './duration.js';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
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

/** A choice among durations in seconds, each shown as people say it ("45 giây", "5 phút"). */
export function SecondsSelect({
  choices,
  value,
  onChange,
}: {
  choices: readonly number[];
  value: number;
  onChange: (seconds: number) => void;
}) {
  const { t } = useTranslation();

  return (
    <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
      {choices.map((s) => (
        <option key={s} value={s}>
          {durationLabel(t, s)}
        </option>
      ))}
    </select>
  );
}
