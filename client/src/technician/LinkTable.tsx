import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LatestRow, PointStatus } from '../../../server/protocol/messages.js';
import { DeviceGapBadge } from '../components/DeviceGapBadge.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { formatMetric, formatTime } from '../format.js';
import type { ConsoleState } from '../state/consoleState.js';
import { shownHealth } from '../components/pointHealth.js';
import { DownlinkCell, downlinkRank } from './DownlinkCell.js';
import { compareVietnamese, matchesSearch } from '../../../server/domain/core/text.js';

type Column =
  | 'name'
  | 'health'
  | 'kbpsIn'
  | 'kbpsOut'
  | 'lossPct'
  | 'jitterMs'
  | 'rttMs'
  | 'fpsIn'
  | 'freezeCount'
  | 'picture'
  | 'lastSampleAt';

// Lost points first, then unstable, then stable; points that never joined last (they hide nothing).
const SEVERITY = { disconnected: 3, linkDown: 3, unstable: 2, stable: 1, notJoined: 0 } as const;

interface Row {
  point: PointStatus;
  latest: LatestRow | undefined;
}

function sortValue(row: Row, column: Column): number | string {
  if (column === 'name') {
    return row.point.name;
  }
  if (column === 'health') {
    return SEVERITY[shownHealth(row.point)];
  }
  if (column === 'picture') {
    return downlinkRank(row.latest?.bridge?.downlink);
  }
  const value = row.latest?.[column];

  return typeof value === 'number' ? value : -Infinity;
}

const COLUMNS: { key: Column; label: string; digits?: number }[] = [
  { key: 'name', label: 'technician.point' },
  { key: 'health', label: 'technician.health' },
  { key: 'kbpsIn', label: 'technician.kbpsIn' },
  { key: 'kbpsOut', label: 'technician.kbpsOut' },
  { key: 'lossPct', label: 'technician.loss', digits: 1 },
  { key: 'jitterMs', label: 'technician.jitter' },
  { key: 'rttMs', label: 'technician.rtt' },
  { key: 'fpsIn', label: 'technician.fps' },
  { key: 'freezeCount', label: 'technician.freezes' },
  { key: 'picture', label: 'technician.picture' },
  { key: 'lastSampleAt', label: 'technician.lastSeen' },
];

/** Every point's latest link figures; sortable by any column, worst first by default. */
export function LinkTable({
  state,
  onSelect,
  selected,
}: {
  state: ConsoleState;
  onSelect: (pointId: string) => void;
  selected: string | null;
}) {
  const { t } = useTranslation();
  const activeSpeaker = state.activeSpeaker?.pointId ?? null;
  const [sort, setSort] = useState<{ column: Column; descending: boolean }>({ column: 'health', descending: true });
  const [filter, setFilter] = useState('');
  const [onlyProblems, setOnlyProblems] = useState(false);
  // While the pointer is over the table its rows keep their places: sorted by health every second, a row would move
  // away from under the technician's click. New rows go below; the order catches up when the pointer leaves.
  const [held, setHeld] = useState<string[] | null>(null);
  const shownOrder = useRef<string[]>([]);
  const rows: Row[] = state.pointOrder
    .map((id) => state.points[id])
    .filter((p): p is PointStatus => p !== undefined)
    .filter(
      // "viet yen" finds "Việt Yên": rooms are searched with or without their diacritics, in any Unicode form.
      (p) => filter.trim() === '' || matchesSearch(p.name, filter) || matchesSearch(p.pointId, filter),
    )
    .filter((p) => !onlyProblems || shownHealth(p) === 'disconnected' || shownHealth(p) === 'unstable')
    .map((point) => ({ point, latest: state.latest[point.pointId] }));
  const direction = sort.descending ? -1 : 1;
  rows.sort((a, b) => {
    const x = sortValue(a, sort.column);
    const y = sortValue(b, sort.column);
    const order = typeof x === 'string' || typeof y === 'string' ? compareVietnamese(String(x), String(y)) : x - y;

    return order * direction || compareVietnamese(a.point.name, b.point.name);
  });
  if (held !== null) {
    const place = new Map(held.map((id, i) => [id, i]));
    rows.sort((a, b) => (place.get(a.point.pointId) ?? held.length) - (place.get(b.point.pointId) ?? held.length));
  }
  shownOrder.current = rows.map((row) => row.point.pointId);

  const cell = (row: Row, key: Column, digits = 0) => {
    if (key === 'lastSampleAt') {
      const at = row.latest?.lastSampleAt;

      return at === null || at === undefined ? '—' : formatTime(at);
    }
    if (key === 'picture') {
      return <DownlinkCell downlink={row.latest?.bridge?.downlink} />;
    }

    return formatMetric(row.latest?.[key as 'kbpsIn'] ?? null, digits);
  };

  return (
    <section className="panel table-panel" aria-labelledby="table-title">
      <div className="panel-head">
        <h2 id="table-title">{t('technician.table')}</h2>
        <input
          type="search"
          placeholder={t('technician.filter')}
          aria-label={t('technician.filter')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <label className="inline">
          <input type="checkbox" checked={onlyProblems} onChange={(e) => setOnlyProblems(e.target.checked)} />{' '}
          {t('technician.onlyProblems')}
        </label>
      </div>
      <div className="table-scroll">
        <table
          className="links"
          data-testid="link-table"
          data-held={held !== null}
          onPointerEnter={() => setHeld(shownOrder.current)}
          onPointerLeave={() => setHeld(null)}
        >
          <thead>
            <tr>
              {COLUMNS.map(({ key, label }) => (
                <th
                  key={key}
                  scope="col"
                  aria-sort={sort.column === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                >
                  <button
                    type="button"
                    onClick={() =>
                      setSort((s) => ({ column: key, descending: s.column === key ? !s.descending : key !== 'name' }))
                    }
                  >
                    {t(label)}
                    {sort.column === key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.point.pointId}
                data-point={row.point.pointId}
                data-health={shownHealth(row.point)}
                className={selected === row.point.pointId ? 'selected' : ''}
                onClick={() => onSelect(row.point.pointId)}
              >
                <th scope="row">
                  <button type="button" className="link" onClick={() => onSelect(row.point.pointId)}>
                    {row.point.name}
                  </button>
                  {row.latest?.device !== undefined && (
                    <span className="device-badge" data-testid="sip-device" title={t('technician.sipDeviceTitle')}>
                      {' '}
                      {t('technician.sipDevice')} ·{' '}
                      {[row.latest.device.video, row.latest.device.audio].filter((c) => c !== null).join('/')}
                    </span>
                  )}
                  {activeSpeaker === row.point.pointId && (
                    <span className="speaking" data-testid="active-speaker" title={t('program.activeSpeaker')}>
                      {' '}
                      <span className="speaking-mark" aria-hidden="true">
                        ●
                      </span>{' '}
                      {t('program.activeSpeaker')}
                    </span>
                  )}
                </th>
                <td>
                  <HealthBadge
                    health={row.point.health}
                    connected={row.point.connected}
                    joined={row.point.joined}
                    linkLost={row.point.linkLost}
                  />
                  <DeviceGapBadge point={row.point} />
                  {row.point.connected && row.point.health === 'unstable' && (row.latest?.why?.length ?? 0) > 0 && (
                    // "Chập chờn" beside 0.0 % loss says why: low frame rate, delay, or still recovering.
                    <span className="health-why" data-testid="health-why">
                      {row.latest?.why?.map((reason) => t(`technician.why.${reason}`)).join(', ')}
                    </span>
                  )}
                </td>
                {COLUMNS.slice(2).map(({ key, digits }) => (
                  <td key={key} className="num">
                    {cell(row, key, digits)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
