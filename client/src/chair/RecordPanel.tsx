import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dayInputToIso, formatDuration, formatTime } from '../format.js';
import { useNow } from '../state/hooks.js';
import { errorText } from '../i18n/errorText.js';
import { keepsRecord, serverNow, type ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';
import { downloadExport } from './downloadExport.js';
import { SaveNote } from './SaveNote.js';
import { useDraft } from './useDraft.js';
import { deadlineText, taskState } from '../../../server/domain/record/record.js';
import { CONCLUSION_MAX, DEPARTMENT_MAX, SUMMARY_MAX, TASK_TEXT_MAX } from '../../../server/domain/record/types.js';
import { offsetText, recordingOffset, type RecordedSpan } from '../../../server/domain/record/recording.js';

type RecordView = NonNullable<ConsoleState['record']>;
type LoggedTurn = RecordView['turns'][number];

const hhmm = (epochMs: number) => formatTime(epochMs).slice(0, 5);
const describe = (error: { code: string; message: string }) => errorText(error.code, error.message);

/**
 * The recording's spans (RECORDING=on), fetched again as turns end, so each turn shows where it is in the recording;
 * empty when the meeting is not recorded.
 */
function useRecordingSpans(client: MeetingClient, meetingId: string, turns: number): RecordedSpan[] {
  const [spans, setSpans] = useState<RecordedSpan[]>([]);
  useEffect(() => {
    let stopped = false;
    void fetch(`/api/meetings/${encodeURIComponent(meetingId)}/recording`, {
      headers: { authorization: `Bearer ${client.token}` },
    })
      .then(async (response) =>
        response.ok ? ((await response.json()) as { recording: { spans: RecordedSpan[] } | null }) : null,
      )
      .then((body) => !stopped && setSpans(body?.recording?.spans ?? []))
      .catch(() => undefined);

    return () => {
      stopped = true;
    };
  }, [client, meetingId, turns]);

  return spans;
}

/**
 * The secretary's panel (thư ký): the speaker log as it happens — each turn with its point, kind, topic, times and
 * answers, and a short summary to write — the chair's conclusion, and the tasks assigned. Everything saved is in the
 * meeting's log with the secretary's name, and goes into the minutes (`minutes.docx`). Chairs may keep it too.
 */
export function RecordPanel({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t } = useTranslation();
  const record = state.record;
  const editable = keepsRecord(state.you.role);
  const spans = useRecordingSpans(client, state.meeting.id, record?.turns.length ?? 0);
  if (record === null) {
    return null;
  }

  return (
    <section className="panel record-panel" aria-labelledby="record-title" data-testid="record-panel">
      <div className="panel-head">
        <h2 id="record-title">{t('record.title')}</h2>
        <button
          type="button"
          onClick={() => void downloadExport(client, state.meeting.id, 'minutes.docx')}
          data-testid="download-minutes"
        >
          {t('record.minutes')}
        </button>
      </div>
      <h3>{t('record.turns', { count: record.turns.length })}</h3>
      {record.turns.length === 0 && <p className="muted">{t('record.noTurns')}</p>}
      <ol className="turn-log">
        {record.turns.map((turn) => (
          <TurnEntry
            key={turn.turn}
            client={client}
            meetingId={state.meeting.id}
            turn={turn}
            editable={editable}
            offsetSec={recordingOffset(spans, turn.grantedAt, Date.now())}
          />
        ))}
      </ol>
      <Conclusion client={client} meetingId={state.meeting.id} saved={record.conclusion} editable={editable} />
      <Tasks client={client} state={state} record={record} editable={editable} />
    </section>
  );
}

function TurnEntry({
  client,
  meetingId,
  turn,
  editable,
  offsetSec,
}: {
  client: MeetingClient;
  meetingId: string;
  turn: LoggedTurn;
  editable: boolean;
  /** Where the turn starts in the recording, when there is one. */
  offsetSec: number | null;
}) {
  const { t } = useTranslation();
  const summary = useDraft(`${meetingId}.summary.${turn.turn}`, turn.summary);

  return (
    <li data-turn={turn.turn} data-point={turn.pointId}>
      <p>
        <strong>{turn.pointName}</strong> · {t(`floorKind.${turn.kind ?? 'speech'}`)}
        {turn.topic !== null && <>: {turn.topic}</>}
        {turn.department !== null && <> ({t('record.to', { department: turn.department })})</>}
      </p>
      <p className="muted">
        {hhmm(turn.grantedAt)}–{hhmm(turn.endedAt)} · {formatDuration(turn.durationSec)}
        {offsetSec !== null && (
          <span className="recording-offset" data-testid={`recording-offset-${turn.turn}`}>
            {' '}
            · {t('record.recordingAt', { offset: offsetText(offsetSec) })}
          </span>
        )}
      </p>
      {turn.answers.map((answer) => (
        <p key={answer.at} className="turn-answer">
          {t('record.answered', { by: answer.answeredBy })}: {answer.text}
        </p>
      ))}
      {editable ? (
        <form
          className="summary-form"
          onSubmit={(event) => {
            event.preventDefault();
            void summary.save(
              (text) => client.send('record:summary', { turn: turn.turn, text }, { quiet: true }),
              describe,
            );
          }}
        >
          <label>
            {t('record.summary')}
            <textarea
              name={`summary-${turn.turn}`}
              rows={3}
              maxLength={SUMMARY_MAX}
              value={summary.text}
              onChange={(e) => summary.setDraft(e.target.value)}
            />
          </label>
          <div className="save-row">
            <button type="submit" disabled={!summary.dirty} data-testid={`save-summary-${turn.turn}`}>
              {t('record.save')}
            </button>
            <SaveNote status={summary.status} dirty={summary.dirty} testId={`summary-note-${turn.turn}`} />
            <span className="muted field-note">
              {summary.text.length}/{SUMMARY_MAX}
            </span>
          </div>
        </form>
      ) : (
        turn.summary !== null && <p className="turn-summary">{turn.summary}</p>
      )}
    </li>
  );
}

function Conclusion({
  client,
  meetingId,
  saved,
  editable,
}: {
  client: MeetingClient;
  meetingId: string;
  saved: string | null;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const conclusion = useDraft(`${meetingId}.conclusion`, saved);

  return (
    <>
      <h3>{t('record.conclusion')}</h3>
      {editable ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void conclusion.save((text) => client.send('record:conclusion', { text }, { quiet: true }), describe);
          }}
        >
          <textarea
            name="conclusion"
            aria-label={t('record.conclusion')}
            rows={6}
            maxLength={CONCLUSION_MAX}
            value={conclusion.text}
            onChange={(e) => conclusion.setDraft(e.target.value)}
          />
          <div className="save-row">
            <button type="submit" disabled={!conclusion.dirty} data-testid="save-conclusion">
              {t('record.save')}
            </button>
            <SaveNote status={conclusion.status} dirty={conclusion.dirty} testId="conclusion-note" />
          </div>
        </form>
      ) : (
        <p>{saved ?? t('record.noConclusion')}</p>
      )}
    </>
  );
}

function Tasks({
  client,
  state,
  record,
  editable,
}: {
  client: MeetingClient;
  state: ConsoleState;
  record: RecordView;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [unitId, setUnitId] = useState('');
  const [department, setDepartment] = useState('');
  const [deadline, setDeadline] = useState('');
  const [error, setError] = useState<string | null>(null);
  const now = serverNow(state, useNow(60_000));
  const deadlineIso = deadline.trim() === '' ? null : dayInputToIso(deadline);

  return (
    <>
      <h3>{t('record.tasks')}</h3>
      {record.tasks.length === 0 ? (
        <p className="muted">{t('record.noTasks')}</p>
      ) : (
        <table className="task-table" data-testid="task-table">
          <thead>
            <tr>
              <th scope="col">{t('record.task')}</th>
              <th scope="col">{t('record.assignee')}</th>
              <th scope="col">{t('record.deadline')}</th>
              <th scope="col">{t('record.status')}</th>
            </tr>
          </thead>
          <tbody>
            {record.tasks.map((task) => (
              <tr key={task.taskId} data-task={task.taskId}>
                <td>{task.text}</td>
                <td>{task.assignee}</td>
                <td>{deadlineText(task.deadline) || '—'}</td>
                <td>
                  {/* The register's words: a task past its day reads "Quá hạn" here as there. */}
                  <span data-testid="task-state">{t(`record.taskStatus.${taskState(task, now)}`)}</span>
                  {editable && (
                    <button
                      type="button"
                      onClick={() =>
                        void client.send('task:status', {
                          taskId: task.taskId,
                          status: task.status === 'done' ? 'open' : 'done',
                        })
                      }
                    >
                      {task.status === 'done' ? t('record.reopen') : t('record.markDone')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editable && (
        <form
          className="task-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            setError(null);
            if (text.trim() === '') {
              setError(t('record.taskTextRequired'));

              return;
            }
            if (unitId === '' && department.trim() === '') {
              setError(t('record.assigneeRequired'));

              return;
            }
            if (deadline.trim() !== '' && deadlineIso === null) {
              setError(t('field.date'));

              return;
            }
            void client
              .send(
                'task:assign',
                {
                  text,
                  unitId: unitId === '' ? null : unitId,
                  department: department.trim() === '' ? null : department,
                  deadline: deadlineIso,
                },
                { quiet: true },
              )
              .then((ack) => {
                if (ack.ok) {
                  setText('');
                  setDepartment('');
                  setDeadline('');
                } else {
                  setError(errorText(ack.error.code, ack.error.message));
                }
              });
          }}
        >
          <label>
            {t('record.task')}
            <textarea
              name="taskText"
              rows={2}
              maxLength={TASK_TEXT_MAX}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <label>
            {t('record.unit')}
            <select name="taskUnit" value={unitId} onChange={(e) => setUnitId(e.target.value)}>
              <option value="">—</option>
              {state.units.map((unit) => (
                <option key={unit.code} value={unit.code}>
                  {unit.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('record.department')}
            <input
              name="taskDepartment"
              maxLength={DEPARTMENT_MAX}
              value={department}
              onChange={(e) => setDepartment(e.target.value)}
            />
          </label>
          <label>
            {t('record.deadline')}
            <input
              name="taskDeadline"
              inputMode="numeric"
              placeholder="dd/mm/yyyy"
              value={deadline}
              onChange={(e) => setDeadline(e.target.value)}
            />
          </label>
          {error !== null && (
            <p className="field-error" role="alert" data-testid="task-error">
              {error}
            </p>
          )}
          <button type="submit" className="primary" data-testid="assign-task">
            {t('record.assign')}
          </button>
        </form>
      )}
    </>
  );
}
