import Hls from 'hls.js';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../components/Shell.js';
import { formatDate, formatTime } from '../format.js';
import type { Language } from '../i18n/index.js';

/** What /live/<meeting>/state says (the server's StreamView, with the meeting's title). */
interface LiveState {
  /** `null` until the meeting's stream was ever started. */
  title: string | null;
  meetingEnded: boolean;
  stream: { status: 'never' | 'live' | 'stopped' | 'failed'; since: number | null; playlist: string | null };
}

/** How often the page asks whether the stream started or ended. */
const POLL_MS = 5000;

/**
 * The public page of a meeting's live stream (`/truc-tiep/<meeting>`): the meeting's title, the stream playing with
 * hls.js (or the browser's own HLS), and in words whether it has not started, is live or has ended. No account.
 */
export function LiveViewer({ meetingId }: { meetingId: string }) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<LiveState | null>(null);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const response = await fetch(`/live/${encodeURIComponent(meetingId)}/state`, { cache: 'no-store' });
        if (!stopped) {
          if (response.ok) {
            setState((await response.json()) as LiveState);
          }
        }
      } catch {
        // The network is back at the next poll.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);

    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [meetingId]);

  const live = state?.stream.status === 'live';
  const playlist = state?.stream.playlist ?? null;
  useEffect(() => {
    const element = video.current;
    if (!live || playlist === null || element === null) {
      return;
    }
    if (Hls.isSupported()) {
      const hls = new Hls({ liveSyncDurationCount: 3 });
      hls.loadSource(playlist);
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
    element.src = playlist;

    return () => {
      element.removeAttribute('src');
    };
  }, [live, playlist]);

  const phase =
    state === null
      ? 'loading'
      : live
        ? 'live'
        : state.stream.status === 'never'
          ? 'notStarted'
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
      <p className="live-state" data-testid="live-state">
        {phase === 'live'
          ? t('live.live', {
              time: formatTime(state?.stream.since ?? 0).slice(0, 5),
              date: formatDate(state?.stream.since ?? 0),
            })
          : t(`live.${phase}`)}
      </p>
      {live && (
        // Muted so that it may start by itself; the viewer turns the sound on.
        <video ref={video} data-testid="live-video" controls autoPlay muted playsInline className="live-video" />
      )}
    </main>
  );
}
