import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MEETING_KINDS } from '../../../server/domain/model.js';
import { Field, fieldsValid, REQUIRED } from '../components/Field.js';
import { hanoiInputToEpoch } from '../format.js';
import { unitsInTreeOrder, unitSubtree } from '../state/units.js';
import { api, ApiError, type DirectoryView, type MeetingDetail } from './api.js';

const KINDS = MEETING_KINDS;

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
 * A new meeting: title, kind, date and time (Hanoi), the hub, the invited subtree (with its count of points) and the
 * chair; the usual agenda (opening, reports, discussion, conclusion), which the chair's console can follow.
 */
export function NewMeeting({ onCreated, copyOf }: { onCreated: (id: string) => void; copyOf?: MeetingDetail }) {
  const { t } = useTranslation();
  const [directory, setDirectory] = useState<DirectoryView | null>(null);
  const [title, setTitle] = useState(copyOf?.title ?? '');
  const [kind, setKind] = useState<(typeof KINDS)[number]>(copyOf?.kind ?? 'briefing');
  // A copy keeps everything but the date: monthly briefings repeat with the same hub, units, chair and agenda.
  const [start, setStart] = useState('');
  const [hub, setHub] = useState(copyOf?.hubPointId ?? '');
  const [unit, setUnit] = useState(copyOf?.invitation.units[0] ?? '');
  const [chairName, setChairName] = useState(copyOf?.chairs[0]?.name ?? '');
  const [chairTitle, setChairTitle] = useState(copyOf?.chairs[0]?.title ?? '');
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
        if (!fieldsValid(fields)) {
          return;
        }
        if (invitedCount === 0) {
          setError(t('organizer.emptySubtree'));

          return;
        }
        api<{ id: string }>('POST', '/api/meetings', {
          title: title.trim(),
          kind,
          scheduledStart: hanoiInputToEpoch(start),
          hubPointId: hub,
          invite: { units: [unit] },
          chairs: [{ name: chairName.trim(), title: chairTitle.trim(), role: 'chair' }],
          ...(copyOf === undefined ? {} : { settings: copiedSettings(copyOf.settings) }),
          agenda: copyOf?.agenda.map(({ kind: k, title: itemTitle, by }) => ({ kind: k, title: itemTitle, by })) ?? [
            { kind: 'opening', title: t('organizer.agenda.opening') },
            { kind: 'report', title: t('organizer.agenda.report') },
            { kind: 'discussion', title: t('organizer.agenda.discussion') },
            { kind: 'conclusion', title: t('organizer.agenda.conclusion') },
          ],
          // A copy keeps its single invited points too, unless the unit was changed.
          ...(copyOf !== undefined && copyOf.invitation.units[0] === unit
            ? { invite: { units: copyOf.invitation.units, points: copyOf.invitation.points } }
            : {}),
        })
          .then((r) => onCreated(r.id))
          .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
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
      <label className={submitted && start === '' ? 'field invalid' : 'field'}>
        {t('organizer.start')}
        <input type="datetime-local" name="start" value={start} onChange={(e) => setStart(e.target.value)} />
        {submitted && start === '' && <span className="field-error">{t('field.required')}</span>}
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
          </span>
        )}
        {submitted && unit === '' && <span className="field-error">{t('field.required')}</span>}
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
      {error !== null && (
        <p className="field-error" role="alert" data-testid="new-meeting-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        {t('organizer.create')}
      </button>
    </form>
  );
}
