import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, fieldsValid, REQUIRED, type FieldRule } from '../components/Field.js';
import { formatTime } from '../format.js';
import { serverNow } from '../state/consoleState.js';
import { useNow } from '../state/hooks.js';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';

const HEADCOUNT: FieldRule = { required: true, integer: { min: 0, max: 10000 } };

/** The roll-call prompt: headcount and presiding official; confirming again corrects them until it closes. */
export function RollCallPrompt({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t } = useTranslation();
  const rollCall = state.rollCall;
  const confirmation = rollCall?.confirmation ?? null;
  const [headcount, setHeadcount] = useState('');
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [editing, setEditing] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const now = serverNow(state, useNow(1000));
  if (rollCall === null || rollCall.asked !== true) {
    return null;
  }
  if (rollCall.closedAt !== null) {
    // Closed: the room is told if it never answered (a confirmed room needs nothing more).
    if (confirmation !== null) {
      return null;
    }

    return rollCall.presentWhileOpen === false ? (
      <p className="muted" role="status" data-testid="rollcall-before-join">
        {t('point.rollCallBeforeJoin', { time: formatTime(rollCall.closedAt).slice(0, 5) })}
      </p>
    ) : (
      <p className="rollcall-missed" role="status" data-testid="rollcall-missed">
        {t('point.rollCallMissed')}
      </p>
    );
  }
  const showForm = confirmation === null || editing;
  const late = now >= rollCall.deadlineAt;

  return (
    <section className="rollcall-prompt" aria-labelledby="rollcall-prompt-title" data-testid="rollcall-prompt">
      <h2 id="rollcall-prompt-title">{t('rollCall.title')}</h2>
      {confirmation !== null && !editing && (
        <p className="confirmed" data-testid="rollcall-confirmed">
          {t(confirmation.late ? 'point.confirmedLate' : 'point.confirmed', {
            headcount: confirmation.headcount,
            name: `${confirmation.presiding.title} ${confirmation.presiding.name}`,
          })}{' '}
          <button type="button" onClick={() => setEditing(true)} aria-label={t('point.editConfirmation')}>
            <span aria-hidden="true">✎ </span>
            {t('point.editConfirmation')}
          </button>
        </p>
      )}
      {showForm && (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            setSubmitted(true);
            if (
              !fieldsValid([
                [headcount, HEADCOUNT],
                [name, REQUIRED],
                [title, REQUIRED],
              ])
            ) {
              return;
            }
            void client
              .send('rollcall:confirm', {
                rollCallId: rollCall.rollCallId,
                headcount: Number(headcount),
                presiding: { name: name.trim(), title: title.trim() },
              })
              .then((ack) => ack.ok && setEditing(false));
          }}
        >
          <p data-testid="rollcall-when">
            {late
              ? t('point.rollCallLate', { time: formatTime(rollCall.closesAt) })
              : rollCall.fromParent
                ? t('point.parentRollCallPrompt', {
                    time: formatTime(rollCall.deadlineAt),
                    parent: state.status.uplink?.parentTitle ?? t('link.parent'),
                  })
                : t('point.rollCallPrompt', { time: formatTime(rollCall.deadlineAt) })}
          </p>
          <Field
            label={t('point.headcount')}
            name="headcount"
            numeric
            rule={HEADCOUNT}
            value={headcount}
            onChange={setHeadcount}
            showError={submitted}
          />
          <Field
            label={t('point.presidingName')}
            name="presidingName"
            rule={REQUIRED}
            maxLength={120}
            value={name}
            onChange={setName}
            showError={submitted}
          />
          <Field
            label={t('point.presidingTitle')}
            name="presidingTitle"
            rule={REQUIRED}
            maxLength={160}
            value={title}
            onChange={setTitle}
            showError={submitted}
          />
          <button type="submit" className="big primary" data-testid="rollcall-confirm">
            {t('point.confirm')}
          </button>
        </form>
      )}
    </section>
  );
}
