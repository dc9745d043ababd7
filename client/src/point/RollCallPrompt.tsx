import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../format.js';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';

/** The roll-call prompt: headcount and presiding official; confirming again corrects them until it closes. */
export function RollCallPrompt({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t } = useTranslation();
  const rollCall = state.rollCall;
  const confirmation = rollCall?.confirmation ?? null;
  const [headcount, setHeadcount] = useState('');
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [editing, setEditing] = useState(false);
  if (rollCall === null || rollCall.asked !== true) {
    return null;
  }
  if (rollCall.closedAt !== null) {
    // Closed: the room is told if it never answered (a confirmed room needs nothing more).
    return confirmation === null ? (
      <p className="rollcall-missed" role="status" data-testid="rollcall-missed">
        {t('point.rollCallMissed')}
      </p>
    ) : null;
  }
  const showForm = confirmation === null || editing;

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
          onSubmit={(event) => {
            event.preventDefault();
            void client
              .send('rollcall:confirm', {
                rollCallId: rollCall.rollCallId,
                headcount: Number(headcount),
                presiding: { name: name.trim(), title: title.trim() },
              })
              .then((ack) => ack.ok && setEditing(false));
          }}
        >
          <p>{t('point.rollCallPrompt', { time: formatTime(rollCall.deadlineAt) })}</p>
          <label>
            {t('point.headcount')}
            <input
              name="headcount"
              type="number"
              inputMode="numeric"
              min={0}
              max={10000}
              required
              value={headcount}
              onChange={(e) => setHeadcount(e.target.value)}
            />
          </label>
          <label>
            {t('point.presidingName')}
            <input
              name="presidingName"
              required
              maxLength={120}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <label>
            {t('point.presidingTitle')}
            <input
              name="presidingTitle"
              required
              maxLength={160}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          </label>
          <button type="submit" className="big primary" data-testid="rollcall-confirm">
            {t('point.confirm')}
          </button>
        </form>
      )}
    </section>
  );
}
