import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';
import { pointsOfUnit } from '../state/units.js';
import { SecondsSelect, UnitSelect } from '../components/Pickers.js';
import { ConfirmButton } from '../components/ConfirmButton.js';

const SCAN_INTERVALS_SEC = [5, 10, 15, 30];
/** The server bounds a scan list; a larger unit scans its first points. */
const SCAN_MAX_POINTS = 500;

/** Mute all, mute all except chairs, the chairs' microphone, and the auto-scan of a unit's sites. */
export function MicPanel({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState('');
  const [intervalSec, setIntervalSec] = useState(10);
  const { mics } = state;

  return (
    <section className="panel mic-panel" aria-labelledby="mic-title">
      <div className="panel-head">
        <h2 id="mic-title">{t('mics.title')}</h2>
        <span className="muted" data-testid="open-mics">
          {t('mics.open', { count: mics.openPoints.length })}
        </span>
      </div>
      <div className="form-row">
        <ConfirmButton
          title={t('mics.muteKeepsSpeaker')}
          question={t('mics.muteAllQuestion')}
          confirmLabel={t('mics.muteYes')}
          onConfirm={() => void client.send('mic:muteAll', { exceptChairs: false })}
          testId="mute-all"
        >
          {t('mics.muteAll')}
        </ConfirmButton>
        <ConfirmButton
          title={t('mics.muteKeepsSpeaker')}
          question={t('mics.muteAllButChairsQuestion')}
          confirmLabel={t('mics.muteYes')}
          onConfirm={() => void client.send('mic:muteAll', { exceptChairs: true })}
          testId="mute-all-but-chairs"
        >
          {t('mics.muteAllButChairs')}
        </ConfirmButton>
        <button
          type="button"
          aria-pressed={mics.chairsOpen}
          className={mics.chairsOpen ? 'on' : ''}
          onClick={() => void client.send('mic:set', { target: 'chairs', open: !mics.chairsOpen })}
        >
          {mics.chairsOpen ? t('mics.chairsOpen') : t('mics.chairsClosed')}
        </button>
      </div>
      <div className="form-row">
        <label>
          {t('mics.scanUnit')}
          <UnitSelect units={state.units} value={unit} onChange={setUnit} allLabel={t('grid.allUnits')} />
        </label>
        <label>
          {t('mics.scanEvery')}
          <SecondsSelect choices={SCAN_INTERVALS_SEC} value={intervalSec} onChange={setIntervalSec} />
        </label>
        <button
          type="button"
          onClick={() => {
            const pointIds = pointsOfUnit(state.units, state.pointOrder, state.points, unit === '' ? null : unit)
              .filter((p) => p.connected)
              .map((p) => p.pointId)
              .slice(0, SCAN_MAX_POINTS);
            void client.send('scan:set', { pointIds, intervalSec });
          }}
        >
          {t('mics.scanStart')}
        </button>
        <button
          type="button"
          disabled={mics.scan === null}
          onClick={() => void client.send('scan:set', { pointIds: [], intervalSec })}
        >
          {t('mics.scanStop')}
        </button>
      </div>
      {mics.scan !== null && (
        <p className="muted">
          {t('mics.scanning', { count: mics.scan.pointIds.length, seconds: mics.scan.intervalSec })}
        </p>
      )}
    </section>
  );
}
