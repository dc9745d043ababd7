import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { PointStatus } from '../../../server/protocol/messages.js';
import type { ConsoleState } from '../state/consoleState.js';
import type { UnitNode } from '../state/units.js';
import { HEALTH_GLYPH, shownHealth } from '../components/pointHealth.js';

interface TreeNode {
  unit: UnitNode;
  children: TreeNode[];
  points: PointStatus[];
}

function buildTree(state: ConsoleState): TreeNode[] {
  const nodes = new Map<string, TreeNode>(state.units.map((u) => [u.code, { unit: u, children: [], points: [] }]));
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parentCode === null ? undefined : nodes.get(node.unit.parentCode);
    (parent?.children ?? roots).push(node);
  }
  for (const id of state.pointOrder) {
    const point = state.points[id];
    if (point !== undefined) {
      nodes.get(point.unitId)?.points.push(point);
    }
  }

  return roots;
}

function countHealth(node: TreeNode, into = { stable: 0, unstable: 0, disconnected: 0, notJoined: 0, linkDown: 0 }) {
  node.points.forEach((p) => (into[shownHealth(p)] += 1));
  node.children.forEach((c) => countHealth(c, into));

  return into;
}

/** The unit tree (any depth), each point a square coloured by its link; a unit shows its subtree's counts. */
export function UnitTree({
  state,
  onSelect,
  selected,
}: {
  state: ConsoleState;
  onSelect: (pointId: string) => void;
  selected: string | null;
}) {
  const { t } = useTranslation();
  const roots = useMemo(() => buildTree(state), [state]);

  const render = (node: TreeNode) => {
    const total = countHealth(node);

    const chips = node.points.map((p) => (
      <button
        key={p.pointId}
        type="button"
        className={`chip health-${shownHealth(p)}${selected === p.pointId ? ' selected' : ''}`}
        title={`${p.name}: ${t(`health.${shownHealth(p)}`)}`}
        aria-label={`${p.name}: ${t(`health.${shownHealth(p)}`)}`}
        data-point={p.pointId}
        data-health={shownHealth(p)}
        onClick={() => onSelect(p.pointId)}
      >
        <span aria-hidden="true">{HEALTH_GLYPH[shownHealth(p)]}</span>
      </button>
    ));
    const counts = (
      <span className="unit-counts">
        {(['stable', 'unstable', 'disconnected', 'notJoined', 'linkDown'] as const)
          // Behind a lost link only: most trees have none.
          .filter((health) => health !== 'linkDown' || total.linkDown > 0)
          .map((health) => (
            <span key={health} className={`health-${health}`} title={t(`health.${health}`)}>
              <small aria-hidden="true">{HEALTH_GLYPH[health]} </small>
              {total[health]}
            </span>
          ))}
      </span>
    );
    // A unit without sub-units (a commune's room or two) is one line: name, its points, counts.
    if (node.children.length === 0) {
      return (
        <li key={node.unit.code} className="unit-leaf">
          <span className="unit-name">{node.unit.name}</span>
          <span className="chips">{chips}</span>
          {counts}
        </li>
      );
    }

    return (
      <li key={node.unit.code}>
        <details open>
          <summary>
            <span className="unit-name">{node.unit.name}</span>
            {counts}
          </summary>
          {chips.length > 0 && <div className="chips">{chips}</div>}
          <ul>{node.children.map(render)}</ul>
        </details>
      </li>
    );
  };

  return (
    <section className="panel tree-panel" aria-labelledby="tree-title">
      <div className="panel-head">
        <h2 id="tree-title">{t('technician.tree')}</h2>
      </div>
      <ul className="unit-tree">{roots.map(render)}</ul>
    </section>
  );
}
