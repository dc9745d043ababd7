import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatTime } from '../format.js';
import { foldForSearch } from '../../../server/domain/core/text.js';
import { changeLanguage, LANGUAGES, type Language } from '../i18n/index.js';
import type { ConsoleState } from '../state/consoleState.js';
import { serverNow } from '../state/consoleState.js';
import type { Connection, Notice } from '../state/MeetingClient.js';
import { useNow } from '../state/hooks.js';
import { parentAgendaItem } from '../state/onScreen.js';

/** "Thảo luận: Ý kiến các điểm cầu", but never "Thảo luận: Thảo luận: …" when the title already names its kind. */
export function agendaHeading(kind: string, title: string): string {
  return foldForSearch(title).startsWith(foldForSearch(kind)) ? title : `${kind}: ${title}`;
}

/** The bar every console shares: meeting title, who we are, status, Hanoi clock and language. */
export function Header({ state, children }: { state: ConsoleState; children?: ReactNode }) {
  const { t, i18n } = useTranslation();
  const now = serverNow(state, useNow(1000));
  const item = state.meeting.agenda[state.status.agendaIndex];
  const parentItem = parentAgendaItem(state);

  return (
    <header className="top">
      <div className="top-title">
        <h1>{state.meeting.title}</h1>
        <p>
          {/* A point is named by its room ("Điểm cầu Xã …"); staff by their role. */}
          {state.you.pointName !== null ? (
            <span className="role">{state.you.pointName}</span>
          ) : (
            <span className="role">{t(`role.${state.you.role}`)}</span>
          )}
          <span className={`status status-${state.status.status}`} data-testid="meeting-status">
            {t(`status.${state.status.status}`)}
          </span>
          {state.status.recording?.status === 'recording' && (
            <span className="recording-badge" data-testid="recording-badge">
              ● {t('recording.on')}
            </span>
          )}
          {state.status.recording?.status === 'failed' && state.you.role !== 'point' && (
            <span
              className="recording-badge failed"
              data-testid="recording-badge"
              title={state.status.recording.reason ?? ''}
            >
              {t('recording.failed')}
            </span>
          )}
          {state.status.stream?.status === 'live' && (
            // Everyone is told that the meeting is seen by the public now.
            // During a closed part the public sees the card, and the room is told so.
            <span
              className="recording-badge stream-badge"
              data-testid="stream-badge"
              data-card={state.status.streamCard}
            >
              ● {state.status.streamCard ? t('stream.paused') : t('stream.on')}
            </span>
          )}
          <LinkBadge state={state} />
          {parentItem !== null ? (
            <span className="top-item" data-testid="top-item" title={t('link.parentItem')}>
              {parentItem}
            </span>
          ) : (
            state.status.status === 'in_session' &&
            item !== undefined && (
              <span className="top-item" data-testid="top-item">
                {agendaHeading(t(`agendaKind.${item.kind}`), item.title)}
              </span>
            )
          )}
        </p>
      </div>
      {children}
      <div className="top-clock" title={t('app.clock')}>
        <span className="clock-time">{formatTime(now)}</span>
        <span className="clock-date">{formatDate(now)}</span>
      </div>
      <LanguageSwitch current={i18n.language as Language} />
    </header>
  );
}

/** Linked meetings: which meeting is on screen, and a lost link to the parent (or, for staff, to a child). */
function LinkBadge({ state }: { state: ConsoleState }) {
  const { t } = useTranslation();
  const up = state.status.uplink;
  const lostChildren = state.status.links.filter((l) => l.state === 'lost');

  return (
    <>
      {up !== null && (
        <span className={`link-badge link-${up.state}`} data-testid="uplink-badge" data-on-screen={up.onScreen}>
          {up.state === 'lost'
            ? t('link.lost')
            : up.state === 'connecting'
              ? t('link.connecting')
              : up.onScreen === 'parent'
                ? t('link.relaying', { title: up.parentTitle ?? '' })
                : t('link.local')}
        </span>
      )}
      {state.you.role !== 'point' && lostChildren.length > 0 && (
        <span
          className="link-badge link-lost"
          data-testid="children-lost"
          title={lostChildren.map((l) => l.unitName).join(', ')}
        >
          {t('link.childrenLost', { count: lostChildren.length })}
        </span>
      )}
    </>
  );
}

export function LanguageSwitch({ current }: { current: Language }) {
  const { t } = useTranslation();

  return (
    <div className="lang" role="group" aria-label={t('app.language')}>
      {LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="button"
          aria-pressed={current === lng}
          className={current === lng ? 'on' : ''}
          onClick={() => changeLanguage(lng)}
        >
          {lng.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

/** Says what is happening with the link to the coordinator; nothing while it is live. */
export function ConnectionBanner({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const now = useNow(1000);
  if (connection.phase === 'live') {
    return null;
  }
  let text: string;
  if (connection.phase === 'connecting') {
    text = t('app.connecting');
  } else if (connection.phase === 'reconnecting') {
    text = t('app.reconnecting', {
      attempt: Math.max(1, connection.attempt),
      seconds: Math.round((now - connection.since) / 1000),
    });
  } else {
    text = t('app.refused', { message: connection.message });
  }

  return (
    <div className={`banner banner-${connection.phase}`} role="alert" data-testid="connection-banner">
      {text}
    </div>
  );
}

/** The last refused action or notice, read out by screen readers, gone after a while. */
export function NoticeLine({ notice }: { notice: Notice | null }) {
  const [visible, setVisible] = useState<Notice | null>(null);
  useEffect(() => {
    setVisible(notice);
    const timer = setTimeout(() => setVisible(null), 8000);

    return () => clearTimeout(timer);
  }, [notice]);

  return (
    <div className="notice-line" aria-live="polite" data-testid="notice">
      {visible !== null && <span className={`notice notice-${visible.kind}`}>{visible.text}</span>}
    </div>
  );
}
