import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FLOOR_KINDS, type FloorKind } from '../../../server/domain/core/model.js';
import { Countdown } from '../components/Countdown.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { ConsoleFrame } from '../components/ConsoleFrame.js';
import { AudioSink, VideoTile } from '../components/VideoTile.js';
import { LinkSampler } from '../media/linkSampler.js';
import type { MediaClient } from '../media/MediaClient.js';
import { useMedia } from '../media/useMedia.js';
import { serverNow, type ConsoleState } from '../state/consoleState.js';
import { useNow } from '../state/hooks.js';
import type { ConsoleView, MeetingClient } from '../state/MeetingClient.js';
import { useBigScreen } from './bigScreen.js';
import { roleCaption } from '../format.js';
import { programHubName } from '../state/onScreen.js';
import { speakerCaption, speakerWaiting } from '../components/speakerWaiting.js';
import { DeviceSettings } from './DeviceSettings.js';
import { readinessOf } from './readiness.js';
import { RollCallPrompt } from './RollCallPrompt.js';
import { MediaBanners } from './MediaBanners.js';
import { WaitingRoom } from './WaitingRoom.js';
import { turnNotice } from './turnNotice.js';
import { ContentStage } from '../content/ContentStage.js';
import { DocumentAdded } from '../content/DocumentAdded.js';
import { DocumentsDetails } from '../content/DocumentsDetails.js';
import { PresenterBar } from '../content/PresenterBar.js';
import { contentStream, useScreenFollowsContent } from '../content/screenShare.js';

/** The protocol's limit on a floor request's topic (server/protocol/requests.ts). */
const TOPIC_MAX = 300;

/** A commune's meeting room: program and self view, the big request button, its turn, the roll-call prompt. */
export function PointView({ client, view, state }: { client: MeetingClient; view: ConsoleView; state: ConsoleState }) {
  const { t } = useTranslation();
  const media = useMedia(client, true);
  useLinkSamples(client, media.elsewhere === null ? media.client : null, state.telemetryIntervalMs);
  useReadinessReport(client, readinessOf(media));
  const me = state.you.pointId;
  const holder = state.floor.holder;
  const speaking = holder !== null && holder.pointId === me;
  const queueIndex = state.floor.queue.findIndex((q) => q.pointId === me);
  const queued = queueIndex >= 0 ? state.floor.queue[queueIndex] : undefined;
  const forwarded = state.floor.forwarded.find((f) => f.pointId === me);
  const parentName = state.status.uplink?.parentTitle ?? t('link.parent');
  const hub = media.slots.find((s) => s.purpose === 'hub' && s.source !== null);
  const speaker = media.slots.find((s) => s.purpose === 'speaker' && s.source !== null);
  const readiness = readinessOf(media);
  const answers = state.answers.filter((a) => a.pointId === me);
  const now = serverNow(state, useNow(5000));
  const notice = turnNotice(state, now);
  const micOpen = me !== null && (speaking || state.mics.openPoints.includes(me));
  const ownMicMissing = readiness !== null ? !readiness.microphone : media.deviceError !== null;
  const hubLost = useHubLost(media.phase === 'live', hub !== undefined);
  const [bigScreen, setBigScreen] = useBigScreen();
  const contentOn = state.content.content !== null;
  // The link carries no picture now: the last one stays, with a word about it; the sound goes on.
  const noPicture = media.downlink?.ceiling === -1;
  useScreenFollowsContent(media, state, me);
  const [swapped, setSwapped] = useState(false);

  return (
    <ConsoleFrame
      kind="point"
      view={view}
      state={state}
      headerExtra={
        <>
          <div className="own-link" data-testid="own-link">
            <span className="label">{t('point.link')}</span>
            <HealthBadge health={state.ownHealth} connected={view.connection.phase === 'live'} />
          </div>
          <button
            type="button"
            className="big-screen-toggle"
            aria-pressed={bigScreen}
            onClick={() => setBigScreen(!bigScreen)}
            data-testid="big-screen-toggle"
          >
            {t(bigScreen ? 'point.normalScreen' : 'point.bigScreen')}
          </button>
        </>
      }
      banners={
        <>
          <MediaBanners media={media} />
          <DocumentAdded state={state} now={now} />
          {hubLost && (
            <div className="banner banner-reconnecting" role="alert" data-testid="hub-down">
              {t('point.hubDown', { hub: state.meeting.hubName })}
            </div>
          )}
        </>
      }
    >
      <main className="point-layout">
        <section
          className="point-program"
          aria-label={t('program.title')}
          data-speaker={holder !== null}
          data-content={contentOn}
          data-swapped={contentOn && swapped}
        >
          <ContentStage state={state} token={client.token} screen={contentStream(media)} />
          {contentOn && (
            <button
              type="button"
              className="swap-content"
              onClick={() => setSwapped(!swapped)}
              data-testid="swap-content"
            >
              {t('content.swap')}
            </button>
          )}
          <VideoTile
            stream={hub?.stream ?? null}
            label={roleCaption(t('program.hub'), programHubName(state))}
            waiting={
              media.phase === 'off' || noPicture ? null : t('program.waitingFor', { name: programHubName(state) })
            }
            notice={noPicture ? t('point.downlink.noVideo') : null}
            testId="program-hub"
          />
          <VideoTile
            stream={speaker?.stream ?? null}
            label={holder === null ? t('floor.nobody') : speakerCaption(t, holder.pointName, holder.deviceGap)}
            waiting={
              holder === null || speaking || noPicture ? null : speakerWaiting(t, holder.pointName, holder.deviceGap)
            }
            notice={noPicture && holder !== null ? t('point.downlink.noVideo') : null}
            className={speaker === undefined ? 'empty' : ''}
            testId="program-speaker"
          />
          {/* The hall sees who speaks and the time left, whoever it is (the small view shows only its own turn). */}
          {bigScreen && holder !== null && (
            <div className="now-strip" data-testid="now-strip">
              <span>
                {t('program.speaker')}: <strong>{holder.pointName}</strong>
              </span>
              <Countdown state={state} large />
            </div>
          )}
          {media.slots
            .filter((s) => s.kind === 'audio' && s.source !== null)
            .map((s) => (
              <AudioSink key={s.mid} stream={s.stream} />
            ))}
        </section>
        <aside className="point-side">
          <VideoTile
            stream={media.local}
            label={t('point.self')}
            waiting={
              media.elsewhere === 'device'
                ? t('point.elsewhere.deviceTile')
                : media.deviceError === null
                  ? null
                  : t('point.noCamera')
            }
            className="self"
            testId="self-view"
          />
          <DeviceSettings media={media.client} local={media.local} />
          {readiness !== null && (
            <p className="muted readiness-line" data-testid="readiness">
              {t('point.readiness', {
                camera: t(readiness.camera ? 'point.ok' : 'point.missing'),
                microphone: t(readiness.microphone ? 'point.ok' : 'point.missing'),
                network: t(readiness.network ? 'point.ok' : 'point.bad'),
              })}
            </p>
          )}
          <RollCallPrompt client={client} state={state} />
          {micOpen &&
            (ownMicMissing ? (
              // The truth for a room without a microphone: it has the floor, but nobody hears it.
              <p className="mic-missing" role="status" data-testid="mic-missing">
                {t('point.micMissing')}
              </p>
            ) : (
              <p className="mic-open" role="status" data-testid="mic-open">
                <span aria-hidden="true">● </span>
                {t('point.micOpen')}
              </p>
            ))}
          <div className="turn" data-testid="turn">
            {state.status.status === 'scheduled' ? (
              <WaitingRoom state={state} />
            ) : speaking ? (
              <div className="speaking-now">
                <strong>{t('point.speakingNow')}</strong>
                <Countdown state={state} large />
                <button type="button" className="big" onClick={() => void client.send('floor:release', {})}>
                  {t('point.release')}
                </button>
              </div>
            ) : forwarded !== undefined ? (
              <div className="queued" data-testid="request-state" data-state="forwarded">
                <p className="position">{t('point.forwarded', { parent: parentName })}</p>
                <p className="position" data-testid="parent-position">
                  {forwarded.parentPosition === null
                    ? t('point.parentPositionUnknown')
                    : t('point.parentPosition', { position: forwarded.parentPosition })}
                </p>
              </div>
            ) : queued?.toParent === true ? (
              <div className="queued" data-testid="request-state" data-state="atHub">
                <p className="position">{t('point.waitingForward', { parent: parentName })}</p>
                <button type="button" className="big secondary" onClick={() => void client.send('floor:withdraw', {})}>
                  {t('point.withdraw')}
                </button>
              </div>
            ) : queued !== undefined ? (
              <div className="queued" data-testid="request-state" data-state="queued">
                {state.getReady === queued.requestId && (
                  <p className="get-ready" role="alert" data-testid="get-ready">
                    {t('point.getReady')}
                  </p>
                )}
                <p className="position" data-testid="queue-position">
                  {t('point.position', { position: queueIndex + 1 })}
                </p>
                <button type="button" className="big secondary" onClick={() => void client.send('floor:withdraw', {})}>
                  {t('point.withdraw')}
                </button>
              </div>
            ) : (
              <>
                {notice !== null && (
                  <p className="turn-notice" role="status" data-testid="turn-notice" data-kind={notice.kind}>
                    {notice.kind === 'denied'
                      ? t('point.notice.denied') + (notice.reason === null ? '' : `: ${notice.reason}`)
                      : t(`point.notice.${notice.kind}`)}
                  </p>
                )}
                <FloorRequestForm
                  client={client}
                  disabled={state.status.status === 'ended'}
                  parentTitle={state.status.uplink?.state === 'linked' ? (state.status.uplink.parentTitle ?? '') : null}
                />
              </>
            )}
          </div>
          {speaking && (
            <PresenterBar client={client} state={state} presenter={me ?? ''} isChair={false} media={media.client} />
          )}
          <DocumentsDetails
            state={state}
            token={client.token}
            open={speaking && !contentOn}
            onPresent={speaking ? (documentId) => void client.send('slides:show', { documentId, page: 1 }) : undefined}
          />
          {answers.length > 0 && (
            <ul className="answers">
              {answers.map((a) => (
                <li key={`${a.requestId}-${a.at}`}>{t('point.answer', { by: a.answeredBy, text: a.text })}</li>
              ))}
            </ul>
          )}
        </aside>
      </main>
    </ConsoleFrame>
  );
}

/** "Thử lại": opens camera and microphone again and rejoins, without reloading the page. */
/**
 * Whether the hub's picture was there and is gone for a few seconds (the hub's console dropped): the room is told,
 * rather than left with a black tile. A brief gap while the bridge reroutes says nothing.
 */
function useHubLost(live: boolean, hubShown: boolean): boolean {
  const seen = useRef(false);
  const [lost, setLost] = useState(false);
  useEffect(() => {
    if (hubShown) {
      seen.current = true;
      setLost(false);

      return undefined;
    }
    if (!live || !seen.current) {
      return undefined;
    }
    const timer = setTimeout(() => setLost(true), 3000);

    return () => clearTimeout(timer);
  }, [live, hubShown]);

  return lost && !hubShown;
}

function FloorRequestForm({
  client,
  disabled,
  parentTitle,
}: {
  client: MeetingClient;
  disabled: boolean;
  /** Linked up: the point may ask to speak to the parent meeting (its chair forwards the request). */
  parentTitle: string | null;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<FloorKind>('speech');
  const [toParent, setToParent] = useState(false);
  const [topic, setTopic] = useState('');
  const [department, setDepartment] = useState('');

  return (
    <form
      className="request-form"
      onSubmit={(event) => {
        event.preventDefault();
        void client.send('floor:request', {
          kind,
          ...(topic.trim() === '' ? {} : { topic: topic.trim() }),
          ...(department.trim() === '' ? {} : { department: department.trim() }),
          ...(toParent && parentTitle !== null ? { toParent: true } : {}),
        });
      }}
    >
      <fieldset className="kinds">
        <legend>{t('point.kind')}</legend>
        {FLOOR_KINDS.map((k) => (
          <label key={k} className={kind === k ? 'on' : ''}>
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {t(`floorKind.${k}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('point.topic')}
        <input
          value={topic}
          maxLength={TOPIC_MAX}
          onChange={(e) => setTopic(e.target.value)}
          name="topic"
          aria-describedby="topic-left"
        />
        <span id="topic-left" className="muted field-note" data-testid="topic-left">
          {t('point.charactersLeft', { count: TOPIC_MAX - topic.length })}
        </span>
      </label>
      {kind === 'petition' && (
        <label>
          {t('point.department')}
          <input value={department} maxLength={160} onChange={(e) => setDepartment(e.target.value)} name="department" />
        </label>
      )}
      {parentTitle !== null && (
        <label className="to-parent" data-testid="to-parent-label">
          <input
            type="checkbox"
            checked={toParent}
            onChange={(e) => setToParent(e.target.checked)}
            data-testid="to-parent"
          />
          {t('point.toParent', { title: parentTitle })}
        </label>
      )}
      <button type="submit" className="big primary" disabled={disabled} data-testid="request-floor">
        {t('point.request')}
      </button>
    </form>
  );
}

/** Sends a getStats() sample on the server's interval; the ack's class is the point's own link indicator. */
function useLinkSamples(client: MeetingClient, media: MediaClient | null, intervalMs: number): void {
  useEffect(() => {
    if (media === null) {
      return undefined;
    }
    const sampler = new LinkSampler();
    const timer = setInterval(() => {
      void media
        .stats()
        .then((reports) => sampler.sample(reports))
        .then((sample) => client.send('telemetry:sample', sample, { quiet: true }))
        .then((ack) => {
          if (ack.ok) {
            client.update((s) => (s.ownHealth === ack.health ? s : { ...s, ownHealth: ack.health }));
          }
        })
        .catch(() => undefined);
    }, intervalMs);

    return () => clearInterval(timer);
  }, [client, media, intervalMs]);
}

/** Reports the readiness check to the technicians whenever its result changes. */
function useReadinessReport(
  client: MeetingClient,
  readiness: { camera: boolean; microphone: boolean; network: boolean } | null,
): void {
  const sent = useRef('');
  const key = readiness === null ? '' : `${readiness.camera}${readiness.microphone}${readiness.network}`;
  useEffect(() => {
    if (readiness !== null && key !== sent.current) {
      sent.current = key;
      void client.send('point:readiness', readiness);
    }
  }, [client, key, readiness]);
}
