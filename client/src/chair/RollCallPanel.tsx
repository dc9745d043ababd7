import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RollCallView } from '../../../server/protocol/messages.js';
import { formatDuration, formatTime } from '../format.js';
import { serverNow } from '../state/consoleState.js';
import type { PanelProps } from './panelProps.js';
import { useNow } from '../state/hooks.js';
import { SecondsSelect, UnitSelect } from '../components/Pickers.js';

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
        {rollCall !== null && (
          <span className="muted" data-testid="rollcall-clock">
            {open
              ? t('rollCall.closesIn', { time: formatDuration((rollCall.closesAt - now) / 1000) })
              : t('rollCall.closed', { time: formatTime(rollCall.closedAt ?? now) })}
          </span>
        )}
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
      {canModerate && open && (
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
      {rollCall === null ? <p className="muted">{t('rollCall.none')}</p> : <Tally rollCall={rollCall} />}
    </section>
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
      </dl>
      <div className="table-scroll">
        <table className="by-unit">
          <thead>
            <tr>
              <th scope="col">{t('rollCall.unit')}</th>
              {OUTCOMES.map((o) => (
                <th key={o} scope="col">
                  {t(`outcome.${o}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(rollCall.byUnit ?? []).map((row) => (
              <tr key={row.unitId}>
                <th scope="row">{row.name}</th>
                {OUTCOMES.map((o) => (
                  <td key={o} className={row.counts[o] > 0 ? `outcome-${o}` : 'muted'}>
                    {row.counts[o]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
