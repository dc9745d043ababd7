import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { documentUrl } from './urls.js';

/** Pages fetched ahead of the one shown, so that a turn of the page on a weak link shows at once. */
const PREFETCH = 2;

/**
 * One page of a document, drawn on a canvas from the page image the server rendered once: every console draws the
 * same picture, and only the page's image (not a video of it) crosses a commune's link. The next pages are fetched
 * ahead; a page keeps showing until the next is ready, never a blank between.
 */
export function SlidePage({
  meetingId,
  documentId,
  page,
  pages,
  token,
  label,
  fromParent = false,
}: {
  meetingId: string;
  documentId: string;
  page: number;
  pages: number | null;
  token: string | null;
  label: string;
  /** The parent meeting's slides (linked meetings): the pages come through this meeting's coordinator. */
  fromParent?: boolean;
}) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    const image = new Image();
    image.src = documentUrl(meetingId, documentId, token, { page, fromParent });
    setFailed(false);
    image
      .decode()
      .then(() => {
        const target = canvas.current;
        if (cancelled || target === null) {
          return;
        }
        target.width = image.naturalWidth;
        target.height = image.naturalHeight;
        target.getContext('2d')?.drawImage(image, 0, 0);
        setDrawn(`${documentId}:${page}`);
        for (let next = page + 1; next <= Math.min(page + PREFETCH, pages ?? page); next++) {
          new Image().src = documentUrl(meetingId, documentId, token, { page: next, fromParent });
        }
      })
      .catch(() => {
        if (!cancelled) {
          setFailed(true);
        }
      });

    return () => {
      cancelled = true;
    };
  }, [meetingId, documentId, page, pages, token, fromParent]);

  return (
    <figure className="slide-page" data-testid="slide-page" data-drawn={drawn ?? ''}>
      <canvas ref={canvas} role="img" aria-label={label} />
      <figcaption>
        {label}
        {failed && (
          <span className="slide-failed" role="alert">
            {' '}
            — {t('content.pageFailed')}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
