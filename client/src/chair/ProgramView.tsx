import { useTranslation } from 'react-i18next';
import { AudioSink, VideoTile } from '../components/VideoTile.js';
import { ContentStage } from '../content/ContentStage.js';
import { contentStream } from '../content/screenShare.js';
import type { MediaView } from '../media/useMedia.js';
import type { ConsoleState } from '../state/consoleState.js';
import { roleCaption } from '../format.js';
import { programHubName, relaysParent } from '../state/onScreen.js';
import { speakerCaption, speakerWaiting } from '../components/speakerWaiting.js';

/** What every site sees: the hub and the speaker (or the auto-scan site), plus the audio everyone hears. */
export function ProgramView({
  state,
  media,
  selfIsHub,
  token,
}: {
  state: ConsoleState;
  media: MediaView;
  selfIsHub: boolean;
  token: string;
}) {
  const { t } = useTranslation();
  const hubSlot = media.slots.find((s) => s.purpose === 'hub' && s.source !== null);
  // Relaying its parent, the hall's chair sees the parent's hub it hears, not its own camera.
  const ownPicture = selfIsHub && !relaysParent(state);
  const hubName = programHubName(state);
  const speakerSlot = media.slots.find((s) => s.purpose === 'speaker' && s.source !== null);
  const speakerId = speakerSlot?.sourcePointId ?? state.floor.holder?.pointId ?? null;
  const speakerName =
    (speakerId !== null ? (state.points[speakerId]?.name ?? state.floor.holder?.pointName) : null) ?? null;

  return (
    <section className="program" aria-label={t('program.title')} data-content={state.content.content !== null}>
      <h2 className="visually-hidden">{t('program.title')}</h2>
      <ContentStage state={state} token={token} screen={contentStream(media)} />
      <VideoTile
        stream={ownPicture ? media.local : (hubSlot?.stream ?? null)}
        label={roleCaption(t('program.hub'), hubName)}
        waiting={media.phase === 'off' ? null : t('program.waitingFor', { name: hubName })}
        testId="program-hub"
      />
      <VideoTile
        stream={speakerSlot?.stream ?? null}
        label={
          speakerName === null
            ? t('floor.nobody')
            : speakerCaption(t, speakerName, state.floor.holder?.deviceGap ?? null)
        }
        waiting={speakerName === null ? null : speakerWaiting(t, speakerName, state.floor.holder?.deviceGap ?? null)}
        className={speakerSlot === undefined ? 'empty' : ''}
        testId="program-speaker"
      />
      {state.activeSpeaker !== null && (
        <p className="active-speaker" data-testid="active-speaker" aria-live="polite">
          <span className="speaking-mark" aria-hidden="true">
            ●
          </span>{' '}
          {t('program.activeSpeaker')}:{' '}
          {state.activeSpeaker.pointId === null
            ? state.meeting.hubName
            : (state.points[state.activeSpeaker.pointId]?.name ?? state.activeSpeaker.pointId)}
        </p>
      )}
      {media.slots
        .filter((s) => s.kind === 'audio' && s.source !== null)
        .map((s) => (
          <AudioSink key={s.mid} stream={s.stream} />
        ))}
    </section>
  );
}
