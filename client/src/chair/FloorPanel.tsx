import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Countdown } from '../components/Countdown.js';
import { Field, fieldsValid, REQUIRED } from '../components/Field.js';
import { serverNow } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';
import type { PanelProps } from './panelProps.js';
import { QueueRow } from './QueueRow.js';
import { useNow } from '../state/hooks.js';

const LIMITS_MIN = [3, 5, 7, 10, 15];

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));

/**
 * The speaker and the queue: grant, deny, reorder, raise priority, stop, next. Keys N (next) and S (stop) work
 * anywhere outside a form field, so a chair under pressure need not find the mouse.
 */
export function FloorPanel({ client, state, canModerate }: PanelProps) {
  const { t } = useTranslation();
  const now = serverNow(state, useNow(1000));
  const { holder, queue, speakingLimitSec } = state.floor;

  useEffect(() => {
    if (!canModerate) {
      return undefined;
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
        return;
      }
      if (event.key === 'n' || event.key === 'N') {
        event.preventDefault();
        void client.send('floor:next', {});
      } else if ((event.key === 's' || event.key === 'S') && client.state?.floor.holder != null) {
        event.preventDefault();
        void client.send('floor:revoke', {});
      }
    };
    window.addEventListener('keydown', onKey);

    return () => window.removeEventListener('keydown', onKey);
  }, [client, canModerate]);

  return (
    <section className="panel floor-panel" aria-labelledby="floor-title">
      <div className="panel-head">
        <h2 id="floor-title">{t('floor.title')}</h2>
        <span className="muted" data-testid="queue-count">
          {t('floor.queued', { count: queue.length })}
        </span>
        {canModerate && (
          <label className="inline" title={t('floor.limit')}>
            <select
              aria-label={t('floor.limit')}
              value={Math.round(speakingLimitSec / 60)}
              onChange={(e) => void client.send('floor:limit', { limitSec: Number(e.target.value) * 60 })}
            >
              {[...new Set([...LIMITS_MIN, Math.round(speakingLimitSec / 60)])]
                .sort((a, b) => a - b)
                .map((m) => (
                  <option key={m} value={m}>
                    {t('floor.perTurn', { count: m })}
                  </option>
                ))}
            </select>
          </label>
        )}
      </div>
      <div className="speaker-card" data-testid="speaker-card">
        {holder === null ? (
          <p className="muted">{t('floor.nobody')}</p>
        ) : (
          <>
            <div className="speaker-who">
              <span className="label">{t('floor.speaking')}</span>
              <strong>{holder.pointName}</strong>
              {holder.kind !== null && (
                <span className={`kind kind-${holder.kind}`}>{t(`floorKind.${holder.kind}`)}</span>
              )}
              {holder.topic !== null && <span className="topic">{holder.topic}</span>}
            </div>
            <Countdown state={state} />
            {canModerate && holder.kind === 'petition' && holder.requestId !== null && (
              <AnswerForm client={client} requestId={holder.requestId} />
            )}
          </>
        )}
        {canModerate && (
          <div className="actions">
            <button
              type="button"
              className="danger"
              disabled={holder === null}
              onClick={() => void client.send('floor:revoke', {})}
              aria-keyshortcuts="S"
              title={t('floor.shortcuts')}
            >
              {t('floor.revoke')} <kbd aria-hidden="true">S</kbd>
            </button>
            <button
              type="button"
              className="primary"
              disabled={queue.length === 0}
              onClick={() => void client.send('floor:next', {})}
              aria-keyshortcuts="N"
              title={t('floor.shortcuts')}
            >
              {t('floor.next')} <kbd aria-hidden="true">N</kbd>
            </button>
          </div>
        )}
      </div>
      <ol className="queue" data-testid="floor-queue">
        {queue.length === 0 && <li className="muted empty">{t('floor.queueEmpty')}</li>}
        {queue.map((entry, index) => (
          <QueueRow
            key={entry.requestId}
            client={client}
            state={state}
            canModerate={canModerate}
            entry={entry}
            index={index}
            waitedSec={(now - entry.requestedAt) / 1000}
          />
        ))}
      </ol>
    </section>
  );
}

/** An answer to the speaking petition, by the hub or a department; the petitioning point sees it. */
function AnswerForm({ client, requestId }: { client: MeetingClient; requestId: string }) {
  const { t } = useTranslation();
  const [answeredBy, setAnsweredBy] = useState('');
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState(false);

  return (
    <details className="answer-form">
      <summary>{t('floor.answer')}</summary>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(true);
          if (
            !fieldsValid([
              [answeredBy, REQUIRED],
              [text, REQUIRED],
            ])
          ) {
            return;
          }
          void client
            .send('floor:answer', { requestId, answeredBy: answeredBy.trim(), text: text.trim() })
            .then((ack) => {
              if (ack.ok) {
                setText('');
                setSubmitted(false);
              }
            });
        }}
      >
        <Field
          label={t('floor.answeredBy')}
          name="answeredBy"
          rule={REQUIRED}
          maxLength={160}
          value={answeredBy}
          onChange={setAnsweredBy}
          showError={submitted}
        />
        <Field
          label={t('floor.answerText')}
          name="answerText"
          multiline
          rule={REQUIRED}
          maxLength={4000}
          value={text}
          onChange={setText}
          showError={submitted}
        />
        <button type="submit" className="primary">
          {t('floor.sendAnswer')}
        </button>
      </form>
    </details>
  );
}
