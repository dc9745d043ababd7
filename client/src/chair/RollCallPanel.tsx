import { useMemo, useState, type ReactNode } from 'react';
import { DirectoryIndex } from '../../../server/domain/directory/directory.js';
import { useTranslation } from 'react-i18next';
import type { RollCallView } from '../../../server/protocol/messages.js';
import { formatDuration, formatTime } from '../format.js';
import { serverNow } from '../state/consoleState.js';
import type { PanelProps } from './panelProps.js';
import { useNow } from '../state/hooks.js';
import { SecondsSelect, UnitSelect } from '../components/Pickers.js';
import { compareVietnamese } from '../../../server/domain/core/text.js';

const DEADLINES_SEC = [30, 60, 120, 300];
const OUTCOMES = ['present', 'late', 'absent', 'noSignal', 'pending'] as const;

/** Start a roll call (scope, deadline), watch its tally by unit, close it, re-run it for the missing. */
export function RollCallPanel({ client, state, canModerate }: PanelProps) {
  const { t } = useTranslation();
  const now = serverNow(state, useNow(500));
  const [deadlineSec, setDeadlineSec] = useState(60);
  const [scope, setScope] = useState('');
  const rollCall = state.rollCall;
  const open = rollCall !== null && rollCall.closedAt === null;
  const missing = rollCall?.totals === undefined ? 0 : rollCall.totals.absent + rollCall.totals.noSignal;

  return (
    <section className="panel rollcall-panel" aria-labelledby="rollcall-title">
      <div className="panel-head">
        <h2 id="rollcall-title">{t('rollCall.title')}</h2>
        {rollCall !== null && <RollCallClock rollCall={rollCall} now={now} />}
      </div>
      {canModerate && !open && (
        <div className="form-row">
          <label>
            {t('rollCall.scope')}
            <UnitSelect units={state.units} value={scope} onChange={setScope} allLabel={t('rollCall.everyone')} />
          </label>
          <label>
            {t('rollCall.deadline')}
            <SecondsSelect choices={DEADLINES_SEC} value={deadlineSec} onChange={setDeadlineSec} />
          </label>
          <button
            type="button"
            className="primary"
            onClick={() =>
              void client.send('rollcall:start', { deadlineSec, ...(scope === '' ? {} : { unitId: scope }) })
            }
            data-testid="rollcall-start"
          >
            {t('rollCall.start')}
          </button>
          {rollCall !== null && missing > 0 && (
            <button
              type="button"
              onClick={() => void client.send('rollcall:rerun', { rollCallId: rollCall.rollCallId, deadlineSec })}
            >
              {t('rollCall.rerun')} ({missing})
            </button>
          )}
        </div>
      )}
      {open && rollCall.fromParent && (
        <p className="hint" data-testid="rollcall-from-parent">
          {t('rollCall.fromParent', { parent: state.status.uplink?.parentTitle ?? t('link.parent') })}
        </p>
      )}
      {canModerate && open && !rollCall.fromParent && (
        <div className="form-row">
          <button
            type="button"
            className="danger"
            onClick={() => void client.send('rollcall:close', { rollCallId: rollCall.rollCallId })}
          >
            {t('rollCall.close')}
          </button>
        </div>
      )}
      {rollCall === null ? (
        <p className="muted">{t('rollCall.none')}</p>
      ) : (
        <>
          {rollCall.rerunOf !== null && (
            <p className="muted" data-testid="rollcall-combined">
              {t('rollCall.combined')}
            </p>
          )}
          <Tally rollCall={rollCall} />
          <MissingPoints rollCall={rollCall} state={state} />
        </>
      )}
    </section>
  );
}

/** Until the deadline, the time left to answer; then the late window with its own clock; then when it closed. */
function RollCallClock({ rollCall, now }: { rollCall: RollCallView; now: number }) {
  const { t } = useTranslation();
  const phase = rollCall.closedAt !== null ? 'closed' : now < rollCall.deadlineAt ? 'answering' : 'late';

  return (
    <span className={`rollcall-clock phase-${phase}`} data-testid="rollcall-clock" data-phase={phase}>
      {phase === 'closed'
        ? t('rollCall.closed', { time: formatTime(rollCall.closedAt ?? now) })
        : phase === 'answering'
          ? t('rollCall.closesIn', { time: formatDuration((rollCall.deadlineAt - now) / 1000) })
          : t('rollCall.lateWindow', { time: formatDuration((rollCall.closesAt - now) / 1000) })}
    </span>
  );
}

function Tally({ rollCall }: { rollCall: RollCallView }) {
  const { t } = useTranslation();
  const totals = rollCall.totals;
  if (totals === undefined) {
    return null;
  }

  return (
    <>
      <dl className="tally" data-testid="rollcall-totals">
        {OUTCOMES.map((o) => (
          <div key={o} className={`tally-cell outcome-${o}`} data-outcome={o}>
            <dt>{t(`outcome.${o}`)}</dt>
            <dd>{totals[o]}</dd>
          </div>
        ))}
        <div className="tally-cell" data-outcome="headcount">
          <dt>{t('rollCall.headcount')}</dt>
          <dd>{totals.headcount}</dd>
        </div>
      </dl>
      <CountsTable
        className="by-unit"
        heading={t('rollCall.unit')}
        rows={(rollCall.byUnit ?? []).map((row) => ({ key: row.unitId, label: row.name, counts: row.counts }))}
      />
      {(rollCall.byChild ?? []).length > 0 && (
        <CountsTable
          className="by-child"
          testId="rollcall-by-child"
          caption={t('rollCall.byChild')}
          heading={t('rollCall.child')}
          rows={(rollCall.byChild ?? []).map((row) => ({
            key: row.unitId,
            lost: row.state !== 'linked',
            counts: row.counts,
            label: (
              <span title={row.title} data-state={row.state}>
                {row.unitName}
                {row.state !== 'linked' && (
                  <span className="child-lost" data-testid="child-lost-note">
                    {' '}
                    ({t(`organizer.linked.childState.${row.state}`)}
                    {row.unanswered > 0 && `: ${t('rollCall.missingByLink', { count: row.unanswered })}`})
                  </span>
                )}
              </span>
            ),
          }))}
        />
      )}
    </>
  );
}

/** The points not (yet) found, by name under their unit, for the chair to call on or re-run. */
function MissingPoints({ rollCall, state }: { rollCall: RollCallView; state: PanelProps['state'] }) {
  const { t } = useTranslation();
  const index = useMemo(() => new DirectoryIndex({ units: state.units, points: [] }), [state.units]);
  const groups = new Map<string, { name: string; points: { id: string; name: string; outcome: string }[] }>();
  for (const [pointId, outcome] of Object.entries(rollCall.outcomes ?? {})) {
    // Behind a lost link a point is unknown, not absent: its province's row in the tally says so.
    if ((outcome !== 'absent' && outcome !== 'noSignal') || state.points[pointId]?.linkLost === true) {
      continue;
    }
    const point = state.points[pointId];
    const unit = point === undefined ? undefined : index.groupUnitOfUnit(point.unitId);
    const key = unit?.code ?? '';
    const group = groups.get(key) ?? { name: unit?.name ?? '', points: [] };
    group.points.push({ id: pointId, name: point?.name ?? pointId, outcome });
    groups.set(key, group);
  }
  const count = [...groups.values()].reduce((n, g) => n + g.points.length, 0);
  if (count === 0) {
    return null;
  }

  return (
    <details className="missing-points" data-testid="rollcall-missing">
      <summary>{t('rollCall.missingList', { count })}</summary>
      {[...groups.values()].map((group) => (
        <div key={group.name} className="missing-group">
          <h3>{group.name}</h3>
          <ul>
            {group.points
              .sort((a, b) => compareVietnamese(a.name, b.name))
              .map((p) => (
                <li key={p.id} data-point={p.id} data-outcome={p.outcome}>
                  {p.name} — {t(`outcome.${p.outcome}`)}
                </li>
              ))}
          </ul>
        </div>
      ))}
    </details>
  );
}

/** Outcome counts by group (a unit, or a child meeting linked in), one row each. */
function CountsTable({
  className,
  testId,
  caption,
  heading,
  rows,
}: {
  className: string;
  testId?: string;
  caption?: string;
  heading: string;
  rows: {
    key: string;
    label: ReactNode;
    counts: Record<(typeof OUTCOMES)[number] | 'headcount', number>;
    lost?: boolean;
  }[];
}) {
  const { t } = useTranslation();

  return (
    <div className="table-scroll">
      <table className={className} data-testid={testId}>
        {caption !== undefined && <caption>{caption}</caption>}
        <thead>
          <tr>
            <th scope="col">{heading}</th>
            {OUTCOMES.map((o) => (
              <th key={o} scope="col">
                {t(`outcome.${o}`)}
              </th>
            ))}
            <th scope="col">{t('rollCall.headcount')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className={row.lost === true ? 'link-lost' : ''}>
              <th scope="row">{row.label}</th>
              {OUTCOMES.map((o) => (
                <td key={o} className={row.counts[o] > 0 ? `outcome-${o}` : 'muted'}>
                  {row.counts[o]}
                </td>
              ))}
              <td>{row.counts.headcount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
