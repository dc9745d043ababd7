import { useEffect, useRef, useState, type RefObject } from 'react';
import { MAX_GRID_PAGE } from '../../../server/media/routing.js';
import { useTranslation } from 'react-i18next';
import type { PointStatus } from '../../../server/protocol/messages.js';
import { DeviceGapBadge } from '../components/DeviceGapBadge.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { VideoTile } from '../components/VideoTile.js';
import type { MediaView } from '../media/useMedia.js';
import type { PanelProps } from './panelProps.js';
import { pointsOfUnit } from '../state/units.js';
import { UnitSelect } from '../components/Pickers.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { shortPointName } from '../../../server/domain/core/text.js';
import { cannotBeHeard, deviceGapOf } from '../../../server/domain/health/devices.js';

/** The bridge sends at most this many thumbnails (server/media/routing.ts); a small screen shows fewer. */
const MAX_PAGE = MAX_GRID_PAGE;
const MIN_PAGE = 4;
/** A thumbnail's smallest width, and the height of its bar (link, microphone, call on) under the picture. */
const TILE_MIN_PX = 160;
const TILE_BAR_PX = 58;
const GAP_PX = 8;

/** How many thumbnails fill a box of this size: as many columns as fit, then as many rows as fit. */
function fittingPage(width: number, height: number): number {
  const columns = Math.max(1, Math.floor((width + GAP_PX) / (TILE_MIN_PX + GAP_PX)));
  const tileWidth = (width - GAP_PX * (columns - 1)) / columns;
  const rows = Math.max(1, Math.floor((height + GAP_PX) / ((tileWidth * 9) / 16 + TILE_BAR_PX + GAP_PX)));

  return Math.min(MAX_PAGE, Math.max(MIN_PAGE, columns * rows));
}

/**
 * The page size that fills the element's box, measured when the window opens or resizes — never on the box's own
 * changes, which the page it holds can cause (a pager text that wraps, a scrollbar): that loop re-routed thumbnails
 * without end.
 */
function usePageSize(ref: RefObject<HTMLElement | null>): number {
  const [size, setSize] = useState(12);
  useEffect(() => {
    const measure = () => {
      const element = ref.current;
      if (element !== null) {
        setSize(fittingPage(element.clientWidth, element.clientHeight));
      }
    };
    measure();
    window.addEventListener('resize', measure);

    return () => window.removeEventListener('resize', measure);
  }, [ref]);

  return size;
}

const gridRank = (p: PointStatus) => (p.connected ? 0 : p.joined ? 1 : 2);

/**
 * Thumbnails of the points, a page at a time, filtered by unit. The bridge sends video for exactly the page shown
 * (`media:page` with its points); the rest of the tile (name, link, microphone) comes from the meeting state.
 */
export function PointGrid({ client, state, media, canModerate }: PanelProps & { media: MediaView }) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState<string | null>(null);
  const [page, setPage] = useState(0);
  const thumbsBox = useRef<HTMLDivElement>(null);
  const pageSize = usePageSize(thumbsBox);
  // Connected points first, then the lost ones, then those that never joined: the rooms in the meeting are on the
  // first pages, whatever their place in the directory (a stable sort keeps directory order within each group).
  const points = pointsOfUnit(state.units, state.pointOrder, state.points, unit).sort(
    (a, b) => gridRank(a) - gridRank(b),
  );
  const pages = Math.max(1, Math.ceil(points.length / pageSize));
  const shownPage = Math.min(page, pages - 1);
  const shown = points.slice(shownPage * pageSize, (shownPage + 1) * pageSize);
  const shownKey = shown.map((p) => p.pointId).join(',');
  const connected = Object.values(state.points).filter((p) => p.connected).length;
  const unknown = Object.values(state.points).filter((p) => p.linkLost).length;
  const mediaLive = media.phase === 'live';

  useEffect(() => {
    if (mediaLive && shownKey !== '') {
      void client.send('media:page', { page: 0, pointIds: shownKey.split(',') });
    }
  }, [client, mediaLive, shownKey]);

  const videoOf = (pointId: string) =>
    media.slots.find((s) => s.purpose === 'grid' && s.sourcePointId === pointId && s.stream !== null)?.stream ?? null;

  return (
    <section className="panel grid-panel" aria-labelledby="grid-title">
      <div className="panel-head">
        <h2 id="grid-title">{t('grid.title')}</h2>
        <span className="muted" data-testid="connected-count">
          {t('grid.connected', { count: connected, total: state.pointOrder.length })}
          {unknown > 0 && ` · ${t('grid.linkDown', { count: unknown })}`}
        </span>
        <UnitSelect
          units={state.units}
          value={unit ?? ''}
          onChange={(code) => {
            setUnit(code === '' ? null : code);
            setPage(0);
          }}
          allLabel={t('grid.allUnits')}
          label={t('grid.unit')}
        />
        <div className="pager">
          <button type="button" onClick={() => setPage(Math.max(0, shownPage - 1))} disabled={shownPage === 0}>
            ‹ <span className="visually-hidden">{t('grid.prev')}</span>
          </button>
          <span>{t('grid.page', { page: shownPage + 1, pages })}</span>
          <button
            type="button"
            onClick={() => setPage(Math.min(pages - 1, shownPage + 1))}
            disabled={shownPage >= pages - 1}
          >
            › <span className="visually-hidden">{t('grid.next')}</span>
          </button>
        </div>
      </div>
      <div className="thumbs-box" ref={thumbsBox}>
        <ul className="thumbs">
          {shown.map((point) => {
            const micOpen = state.mics.openPoints.includes(point.pointId);

            return (
              <li
                key={point.pointId}
                className={`thumb ${point.connected ? '' : 'offline'}`}
                data-point={point.pointId}
              >
                <VideoTile
                  stream={videoOf(point.pointId)}
                  label={shortPointName(point.name)}
                  title={point.name}
                  waiting={point.connected ? t('grid.waiting') : null}
                />
                <div className="thumb-bar">
                  <HealthBadge
                    health={point.health}
                    connected={point.connected}
                    joined={point.joined}
                    linkLost={point.linkLost}
                  />
                  <DeviceGapBadge point={point} />
                </div>
                {canModerate && point.connected && (
                  <div className="thumb-bar">
                    <button
                      type="button"
                      className={micOpen ? 'on' : ''}
                      aria-pressed={micOpen}
                      onClick={() => void client.send('mic:set', { target: point.pointId, open: !micOpen })}
                    >
                      {micOpen ? t('grid.closeMic') : t('grid.openMic')}
                    </button>
                    <ConfirmButton
                      disabled={state.floor.holder !== null}
                      title={t('grid.callOnName', { name: point.name })}
                      question={
                        cannotBeHeard(deviceGapOf(point.readiness))
                          ? t('floor.grantUnheard', { name: point.name })
                          : t('grid.callOnQuestion', { name: point.name })
                      }
                      confirmLabel={t('grid.callOnYes')}
                      onConfirm={() => void client.send('floor:grant', { pointId: point.pointId })}
                    >
                      {t('grid.callOn')}
                    </ConfirmButton>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
