import { useTranslation } from 'react-i18next';
import { AGENDA_KINDS, type AgendaKind } from '../../../server/domain/core/model.js';

export interface AgendaRow {
  kind: AgendaKind;
  title: string;
  by: string;
}

/** The agenda as rows: kind, title, presenter; add, remove, move up. An empty title is said at its row. */
export function AgendaEditor({
  rows,
  onChange,
  showErrors,
}: {
  rows: AgendaRow[];
  onChange: (rows: AgendaRow[]) => void;
  showErrors: boolean;
}) {
  const { t } = useTranslation();
  const set = (i: number, patch: Partial<AgendaRow>) =>
    onChange(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)));

  return (
    <fieldset className="agenda-editor">
      <legend>{t('agenda.title')}</legend>
      <ol>
        {rows.map((row, i) => (
          <li key={i} className="agenda-row">
            <select
              aria-label={t('organizer.agendaKind')}
              value={row.kind}
              onChange={(e) => set(i, { kind: e.target.value as AgendaKind })}
            >
              {AGENDA_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`agendaKind.${k}`)}
                </option>
              ))}
            </select>
            <input
              aria-label={t('organizer.agendaTitle')}
              name={`agenda-${i}`}
              value={row.title}
              maxLength={300}
              aria-invalid={showErrors && row.title.trim() === ''}
              onChange={(e) => set(i, { title: e.target.value })}
            />
            <input
              aria-label={t('organizer.agendaBy')}
              placeholder={t('organizer.agendaBy')}
              value={row.by}
              maxLength={160}
              onChange={(e) => set(i, { by: e.target.value })}
            />
            <button
              type="button"
              aria-label={`${t('floor.up')}: ${row.title}`}
              disabled={i === 0}
              onClick={() => onChange([...rows.slice(0, i - 1), row, rows[i - 1] as AgendaRow, ...rows.slice(i + 1)])}
            >
              ↑
            </button>
            <button
              type="button"
              aria-label={`${t('organizer.remove')}: ${row.title}`}
              disabled={rows.length === 1}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              ✕
            </button>
            {showErrors && row.title.trim() === '' && <span className="field-error">{t('field.required')}</span>}
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => onChange([...rows, { kind: 'report', title: '', by: '' }])}>
        {t('organizer.addItem')}
      </button>
    </fieldset>
  );
}
