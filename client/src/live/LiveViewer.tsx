import Hls from 'hls.js';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../components/Shell.js';
import { formatDate, formatTime } from '../format.js';
import type { Language } from '../i18n/index.js';

/** What GET /api/live/<meeting> says: the stream's state, and whether this browser may play it. */
interface LiveState {
  /** `null` until the meeting's stream was ever started, or while this browser may not watch it. */
  title: string | null;
  meetingEnded: boolean;
  access: 'open' | 'needed' | 'revoked' | 'expired';
  stream: {
    status: 'never' | 'live' | 'stopped' | 'failed';
    since: number | null;
    showing?: 'program' | 'card';
    playlist: string | null;
    /** The kept recording (VOD), once the stream is over. */
    recording: string | null;
  };
}

/** How often the page asks whether the stream started, switched to the card or ended. */
const POLL_MS = 5000;

/**
 * The viewing page of a meeting's live stream (`/truc-tiep/<meeting>`): the meeting's title, the stream playing with
 * hls.js (or the browser's own HLS), and in words whether it has not started, is live, is paused for a closed part or
 * has ended; once ended, its recording when the office kept one. No account; an internal stream needs the viewer
 * link (`?k=…`), exchanged once for a cookie and taken out of the address bar.
 */
export function LiveViewer({ meetingId }: { meetingId: string }) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<LiveState | null>(null);
  const [wrongLink, setWrongLink] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const base = `/api/live/${encodeURIComponent(meetingId)}`;

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const response = await fetch(base, { cache: 'no-store' });
        if (!stopped && response.ok) {
          setState((await response.json()) as LiveState);
        }
      } catch {
        // The network is back at the next poll.
      }
    };
    let timer: ReturnType<typeof setInterval> | undefined;
    const begin = async () => {
      const key = new URLSearchParams(location.search).get('k');
      if (key !== null) {
        const passed = await fetch(`${base}/pass`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: key }),
        }).catch(() => null);
        // The link is in the cookie now: the address bar (and a copied address) no longer carries it.
        history.replaceState(null, '', location.pathname);
        if (passed !== null && !passed.ok && !stopped) {
          setWrongLink(true);
        }
      }
      await poll();
      timer = setInterval(() => void poll(), POLL_MS);
    };
    void begin();

    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [base]);

  const live = state?.stream.status === 'live';
  const source = live ? (state?.stream.playlist ?? null) : (state?.stream.recording ?? null);
  useEffect(() => {
    const element = video.current;
    if (source === null || element === null) {
      return;
    }
    if (Hls.isSupported()) {
      // A segment and a half behind the live edge (about 5 s at 2 s segments, glass to glass: npm run bench --
      // --stream), caught up gently when a stall left it further behind.
      const hls = new Hls({ liveSyncDurationCount: 1.5, liveMaxLatencyDurationCount: 5, maxLiveSyncPlaybackRate: 1.1 });
      hls.loadSource(source);
      hls.attachMedia(element);
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal && data.type === Hls.ErrorTypes.NETWORK_ERROR) {
          hls.startLoad();
        } else if (data.fatal) {
          hls.recoverMediaError();
        }
      });

      return () => hls.destroy();
    }
    // Safari plays HLS itself.
    element.src = source;

    return () => {
      element.removeAttribute('src');
    };
  }, [source]);

  const phase =
    state === null
      ? 'loading'
      : wrongLink && state.access !== 'open'
        ? 'wrongLink'
        : state.access !== 'open'
          ? state.access
          : live
            ? state.stream.showing === 'card'
              ? 'card'
              : 'live'
            : state.stream.status === 'never'
              ? 'notStarted'
              : state.stream.recording !== null
                ? 'replay'
                : state.meetingEnded
                  ? 'ended'
                  : 'paused';

  return (
    <main className="live-page" data-testid="live-page" data-phase={phase}>
      <div className="live-top">
        <p className="live-app">{t('app.name')}</p>
        <LanguageSwitch current={i18n.language as Language} />
      </div>
      <h1>{state?.title ?? t('live.title')}</h1>
      <p className="live-state" data-testid="live-state" role="status">
        {phase === 'live'
          ? t('live.live', {
              time: formatTime(state?.stream.since ?? 0).slice(0, 5),
              date: formatDate(state?.stream.since ?? 0),
            })
          : t(`live.${phase}`)}
      </p>
      {source !== null && (
        // Muted so that it may start by itself; the viewer turns the sound on.
        <video ref={video} data-testid="live-video" controls autoPlay={live} muted playsInline className="live-video" />
      )}
    </main>
  );
}
