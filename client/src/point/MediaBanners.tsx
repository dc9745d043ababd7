import { useTranslation } from 'react-i18next';
import type { MediaView } from '../media/useMedia.js';
import { SecureAddress } from './SecureAddress.js';

/**
 * What the room is told about its own media: reconnecting, a camera or microphone that did not open (and why, with
 * what to do), media that failed, or the point's media open on another page.
 */
export function MediaBanners({ media }: { media: MediaView }) {
  const { t } = useTranslation();

  return (
    <>
      {media.phase === 'live' && media.linkState !== null && ['disconnected', 'failed'].includes(media.linkState) && (
        <div className="banner banner-reconnecting" role="alert">
          {t('app.mediaReconnecting')}
        </div>
      )}
      {media.deviceError !== null && (
        <div className="banner banner-refused" role="alert" data-testid="device-error">
          {t(`point.deviceProblem.${media.deviceError}`)} {t('point.deviceProblem.receiveOnly')}{' '}
          {media.deviceError === 'insecure' ? <SecureAddress /> : <RetryButton media={media} />}
        </div>
      )}
      {media.phase === 'failed' && (
        <div className="banner banner-refused" role="alert" data-testid="media-failed" title={media.error ?? ''}>
          {t('app.mediaFailed')} <RetryButton media={media} />
        </div>
      )}
      {linkLowered(media.downlink) && (
        <div className="banner banner-info" role="status" data-testid="downlink-reduced">
          {t('point.downlink.reduced')}
        </div>
      )}
      {sourceLow(media.downlink) && (
        <div className="banner banner-info" role="status" data-testid="source-low">
          {t('point.downlink.sourceLow')}
        </div>
      )}
      {media.elsewhere === 'device' && (
        // A console beside the room's codec: the codec sends, this page controls (roll call, requests, the program).
        <div className="banner banner-info" role="status" data-testid="companion">
          {t('point.elsewhere.device')}
        </div>
      )}
      {media.elsewhere !== null && media.elsewhere !== 'device' && (
        <div className="banner banner-refused" role="alert" data-testid="open-elsewhere">
          {t(`point.elsewhere.${media.elsewhere}`)}{' '}
          <button type="button" onClick={media.takeOver} data-testid="take-over">
            {t('point.elsewhere.takeOver')}
          </button>
        </div>
      )}
    </>
  );
}

type Downlink = MediaView['downlink'];

/**
 * Lowered for the link's sake: losses on this room's link brought the ceiling down (not a room that has just joined
 * and is stepping up, nor a picture whose sender sends no more: the bridge counts no loss for that).
 */
const linkLowered = (d: Downlink): boolean => d !== null && d.ceiling >= 0 && d.ceiling < 2 && d.reason !== 'starting';

/** Only the lowest picture comes because its sender sends no more (a loaded computer at the source). */
const sourceLow = (d: Downlink): boolean =>
  d !== null && d.source === 0 && d.layer === 0 && !linkLowered(d) && d.ceiling > 0;

function RetryButton({ media }: { media: MediaView }) {
  const { t } = useTranslation();

  return (
    <button type="button" onClick={media.retry} data-testid="media-retry">
      {t('point.retry')}
    </button>
  );
}
