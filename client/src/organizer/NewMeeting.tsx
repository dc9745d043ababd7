import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../components/FormError.js';
import { MEETING_KINDS } from '../../../server/domain/core/model.js';
import { Field, fieldsValid, REQUIRED } from '../components/Field.js';
import { SecondsSelect } from '../components/Pickers.js';
import { DATE_TIME_PATTERN, epochToHanoiInput, hanoiInputToEpoch } from '../format.js';
import { linkedUnitsOf, unitsInTreeOrder, unitSubtree } from '../state/units.js';
import { AgendaEditor, type AgendaRow } from './AgendaEditor.js';
import { api, messageOf, type DirectoryView, type MeetingDetail } from './api.js';

const KINDS = MEETING_KINDS;
const LIMITS_SEC = [120, 180, 300, 420, 600, 900];
const ROLL_CALL_SEC = [30, 60, 120, 300];

/** The settings a meeting is created with (the rest are the server's own). */
const COPIED_SETTINGS = [
  'speakingLimitSec',
  'speakingWarningSec',
  'rollCallDeadlineSec',
  'rollCallLateWindowSec',
  'attendanceGraceSec',
] as const;

const copiedSettings = (settings: Record<string, number>) =>
  Object.fromEntries(COPIED_SETTINGS.filter((key) => key in settings).map((key) => [key, settings[key]]));

/**
 * A new meeting: title, kind, start and end (Hanoi time), the hub, the invited subtree (with its count of points), the
 * chair and a co-chair, the speaking limit and roll-call deadline, and the agenda (the usual four items to start
 * from). A copy starts from another meeting's values; an edit changes a meeting not yet in session (`PUT`).
 */
export function NewMeeting({
  onCreated,
  copyOf: from,
  edit = false,
}: {
  onCreated: (id: string) => void;
  copyOf?: MeetingDetail;
  /** Change `copyOf` itself rather than create a meeting from it. */
  edit?: boolean;
}) {
  const { t } = useTranslation();
  const copyOf = from;
  const [directory, setDirectory] = useState<DirectoryView | null>(null);
  const [title, setTitle] = useState(copyOf?.title ?? '');
  const [kind, setKind] = useState<(typeof KINDS)[number]>(copyOf?.kind ?? 'briefing');
  // A copy keeps everything but the date: monthly briefings repeat with the same hub, units, chair and agenda.
  const [start, setStart] = useState(edit && from !== undefined ? epochToHanoiInput(from.scheduledStart) : '');
  const [hub, setHub] = useState(copyOf?.hubPointId ?? '');
  const [unit, setUnit] = useState(copyOf?.invitation.units[0] ?? '');
  const [end, setEnd] = useState(edit && from?.scheduledEnd != null ? epochToHanoiInput(from.scheduledEnd) : '');
  // What is wrong with a typed time, as the key of the message said at its field; null when it is fine.
  const timeProblem = (value: string, required: boolean) =>
    value.trim() === ''
      ? required
        ? 'field.required'
        : null
      : Number.isNaN(hanoiInputToEpoch(value))
        ? 'field.dateTime'
        : null;
  const startProblem = timeProblem(start, true);
  const endProblem = timeProblem(end, false);
  const [chairName, setChairName] = useState(copyOf?.chairs[0]?.name ?? '');
  const [chairTitle, setChairTitle] = useState(copyOf?.chairs[0]?.title ?? '');
  const coChair = copyOf?.chairs.find((c) => c.role === 'cochair');
  const [coChairName, setCoChairName] = useState(coChair?.name ?? '');
  const [coChairTitle, setCoChairTitle] = useState(coChair?.title ?? '');
  const [limitSec, setLimitSec] = useState(copyOf?.settings.speakingLimitSec ?? 300);
  const [rollCallSec, setRollCallSec] = useState(copyOf?.settings.rollCallDeadlineSec ?? 60);
  const [agenda, setAgenda] = useState<AgendaRow[]>(
    () =>
      copyOf?.agenda.map((item) => ({ kind: item.kind as AgendaRow['kind'], title: item.title, by: item.by ?? '' })) ??
      (['opening', 'report', 'discussion', 'conclusion'] as const).map((kind) => ({
        kind,
        title: t(`organizer.agenda.${kind}`),
        by: '',
      })),
  );
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api<DirectoryView>('GET', '/api/directory').then(setDirectory);
  }, []);
  const invitedCount = useMemo(() => {
    if (directory === null || unit === '') {
      return 0;
    }
    const scope = unitSubtree(directory.units, unit);

    return directory.points.filter((p) => scope.has(p.unitCode) && p.code !== hub).length;
  }, [directory, unit, hub]);
  const linkedUnits = useMemo(
    () => (directory === null || unit === '' ? [] : linkedUnitsOf(directory.units, directory.points, unit)),
    [directory, unit],
  );
  const fields: [string, typeof REQUIRED][] = [
    [title, REQUIRED],
    [start, REQUIRED],
    [hub, REQUIRED],
    [unit, REQUIRED],
    [chairName, REQUIRED],
    [chairTitle, REQUIRED],
  ];

  return (
    <form
      className="new-meeting"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setSubmitted(true);
        setError(null);
        if (!fieldsValid(fields) || startProblem !== null || endProblem !== null) {
          return;
        }
        if (invitedCount === 0 && linkedUnits.length === 0) {
          setError(t('organizer.emptySubtree'));

          return;
        }
        if (end !== '' && hanoiInputToEpoch(end) <= hanoiInputToEpoch(start)) {
          setError(t('organizer.endBeforeStart'));

          return;
        }
        if (agenda.some((item) => item.title.trim() === '')) {
          return;
        }
        const [method, path] =
          edit && from !== undefined
            ? (['PUT', `/api/meetings/${encodeURIComponent(from.id)}`] as const)
            : (['POST', '/api/meetings'] as const);
        api<{ id: string }>(method, path, {
          title: title.trim(),
          kind,
          scheduledStart: hanoiInputToEpoch(start),
          ...(end === '' ? {} : { scheduledEnd: hanoiInputToEpoch(end) }),
          hubPointId: hub,
          invite: { units: [unit] },
          chairs: [
            { name: chairName.trim(), title: chairTitle.trim(), role: 'chair' },
            ...(coChairName.trim() === ''
              ? []
              : [{ name: coChairName.trim(), title: coChairTitle.trim() || t('role.cochair'), role: 'cochair' }]),
          ],
          settings: {
            ...(copyOf === undefined ? {} : copiedSettings(copyOf.settings)),
            speakingLimitSec: limitSec,
            rollCallDeadlineSec: rollCallSec,
          },
          agenda: agenda.map((item) => ({
            kind: item.kind,
            title: item.title.trim(),
            by: item.by.trim() === '' ? null : item.by.trim(),
          })),
          // A copy keeps its single invited points too, unless the unit was changed.
          ...(copyOf !== undefined && copyOf.invitation.units[0] === unit
            ? { invite: { units: copyOf.invitation.units, points: copyOf.invitation.points } }
            : {}),
        })
          .then((r) => onCreated(r.id))
          .catch((e: unknown) => setError(messageOf(e)));
      }}
    >
      <Field
        label={t('organizer.meetingTitle')}
        name="title"
        rule={REQUIRED}
        maxLength={300}
        value={title}
        onChange={setTitle}
        showError={submitted}
      />
      <label>
        {t('organizer.kind')}
        <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`organizer.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className={submitted && startProblem !== null ? 'field invalid' : 'field'}>
        {t('organizer.start')}
        <input
          name="start"
          inputMode="numeric"
          placeholder={DATE_TIME_PATTERN}
          value={start}
          onChange={(e) => setStart(e.target.value)}
        />
        {submitted && startProblem !== null && <span className="field-error">{t(startProblem)}</span>}
      </label>
      <label className={submitted && hub === '' ? 'field invalid' : 'field'}>
        {t('organizer.hub')}
        <select name="hub" value={hub} onChange={(e) => setHub(e.target.value)}>
          <option value="">—</option>
          {directory?.points.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </select>
        {submitted && hub === '' && <span className="field-error">{t('field.required')}</span>}
      </label>
      <label className={submitted && unit === '' ? 'field invalid' : 'field'}>
        {t('organizer.invite')}
        <select name="unit" value={unit} onChange={(e) => setUnit(e.target.value)}>
          <option value="">—</option>
          {directory !== null &&
            unitsInTreeOrder(directory.units).map(({ unit: u, depth }) => (
              <option key={u.code} value={u.code}>
                {' '.repeat(depth * 2)}
                {u.name}
              </option>
            ))}
        </select>
        {unit !== '' && (
          <span className="muted field-note" data-testid="invited-count">
            {t('organizer.invitedCount', { count: invitedCount })}
            {linkedUnits.length > 0 &&
              ` · ${t('organizer.linkedUnitsCount', {
                count: linkedUnits.length,
                names: [...linkedUnits.slice(0, 3).map((u) => u.name), ...(linkedUnits.length > 3 ? ['…'] : [])].join(
                  ', ',
                ),
              })}`}
          </span>
        )}
        {submitted && unit === '' && <span className="field-error">{t('field.required')}</span>}
      </label>
      <label
        className={
          submitted &&
          (endProblem !== null || (end !== '' && start !== '' && hanoiInputToEpoch(end) <= hanoiInputToEpoch(start)))
            ? 'field invalid'
            : 'field'
        }
      >
        {t('organizer.end')}
        <input
          name="end"
          inputMode="numeric"
          placeholder={DATE_TIME_PATTERN}
          value={end}
          onChange={(e) => setEnd(e.target.value)}
        />
        {submitted && endProblem !== null && <span className="field-error">{t(endProblem)}</span>}
      </label>
      <label>
        {t('floor.limit')}
        <SecondsSelect choices={LIMITS_SEC} value={limitSec} onChange={setLimitSec} />
      </label>
      <label>
        {t('organizer.rollCallDeadline')}
        <SecondsSelect choices={ROLL_CALL_SEC} value={rollCallSec} onChange={setRollCallSec} />
      </label>
      <Field
        label={t('organizer.chairName')}
        name="chairName"
        rule={REQUIRED}
        maxLength={120}
        value={chairName}
        onChange={setChairName}
        showError={submitted}
      />
      <Field
        label={t('organizer.chairTitle')}
        name="chairTitle"
        rule={REQUIRED}
        maxLength={160}
        value={chairTitle}
        onChange={setChairTitle}
        showError={submitted}
      />
      <Field
        label={t('organizer.coChairName')}
        name="coChairName"
        maxLength={120}
        value={coChairName}
        onChange={setCoChairName}
        showError={submitted}
      />
      <Field
        label={t('organizer.coChairTitle')}
        name="coChairTitle"
        maxLength={160}
        value={coChairTitle}
        onChange={setCoChairTitle}
        showError={submitted}
      />
      <AgendaEditor rows={agenda} onChange={setAgenda} showErrors={submitted} />
      <FormError error={error} testId="new-meeting-error" />
      <button type="submit" className="primary" data-testid="save-meeting">
        {edit ? t('organizer.saveChanges') : t('organizer.create')}
      </button>
    </form>
  );
}
