import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unitsInTreeOrder, unitSubtree } from '../state/units.js';
import { api, ApiError, downloadFile, type DirectoryView } from './api.js';
import { DirectoryEditForm } from './DirectoryEditForm.js';

interface Checked {
  file: string;
  text: string;
  contentType: string;
  units: number;
  points: number;
}

/**
 * The directory (administrators): the unit tree with its points, an export, and an import that is checked first —
 * every broken row is listed with its line before anything changes; only a clean file can then replace the
 * directory.
 */
export function DirectoryPage() {
  const { t } = useTranslation();
  const [directory, setDirectory] = useState<DirectoryView | null>(null);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = () => void api<DirectoryView>('GET', '/api/directory').then(setDirectory);
  useEffect(load, []);

  const check = async (file: File) => {
    setChecked(null);
    setProblem(null);
    setDone(null);
    const text = await file.text();
    const contentType = file.name.toLowerCase().endsWith('.json') ? 'application/json' : 'text/csv';
    try {
      const result = await api<{ units: number; points: number }>('POST', '/api/directory?dryRun=1', text, {
        contentType,
      });
      setChecked({ file: file.name, text, contentType, ...result });
    } catch (error) {
      setProblem(error instanceof ApiError ? error : new ApiError('INTERNAL', String(error)));
    }
  };
  const apply = async () => {
    if (checked === null) {
      return;
    }
    try {
      await api('POST', '/api/directory', checked.text, { contentType: checked.contentType });
      setDone(t('directory.imported', { units: checked.units, points: checked.points }));
      setChecked(null);
      load();
    } catch (error) {
      setProblem(error instanceof ApiError ? error : new ApiError('INTERNAL', String(error)));
    }
  };
  const exportJson = () =>
    downloadFile('danh-ba-diem-cau.json', JSON.stringify(directory, null, 1), 'application/json');

  return (
    <section className="panel directory-page" aria-labelledby="directory-title">
      <div className="panel-head">
        <h2 id="directory-title">{t('directory.title')}</h2>
        {directory !== null && (
          <span className="muted" data-testid="directory-count">
            {t('directory.count', { units: directory.units.length, points: directory.points.length })}
          </span>
        )}
        <button type="button" onClick={exportJson} disabled={directory === null}>
          {t('directory.export')}
        </button>
      </div>
      <label className="field">
        {t('directory.importFile')}
        <input
          type="file"
          name="directoryFile"
          accept=".csv,.json,text/csv,application/json"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file !== undefined) {
              void check(file);
            }
          }}
        />
        <span className="muted field-note">{t('directory.importHint')}</span>
      </label>
      {problem !== null && (
        <div className="import-problems" role="alert" data-testid="import-problems">
          <p className="field-error">{t('directory.notImported', { message: problem.message })}</p>
          {problem.details.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('directory.line')}</th>
                  <th scope="col">{t('directory.field')}</th>
                  <th scope="col">{t('directory.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {problem.details.map((d, i) => (
                  <tr key={i}>
                    <td>{d.line ?? ''}</td>
                    <td>{d.path ?? ''}</td>
                    <td>{d.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {checked !== null && (
        <div className="import-ready" data-testid="import-ready">
          <p>{t('directory.checked', { file: checked.file, units: checked.units, points: checked.points })}</p>
          <button type="button" className="primary" onClick={() => void apply()}>
            {t('directory.apply')}
          </button>
        </div>
      )}
      {done !== null && (
        <p className="notice notice-info" role="status" data-testid="import-done">
          {done}
        </p>
      )}
      {directory !== null && <DirectoryEditForm directory={directory} onSaved={load} />}
      {directory !== null && (
        <ul className="directory-tree">
          {unitsInTreeOrder(directory.units).map(({ unit, depth }) => {
            const own = directory.points.filter((p) => p.unitCode === unit.code);
            const all = unitSubtree(directory.units, unit.code);

            return (
              <li key={unit.code} style={{ paddingLeft: `${depth * 1.2}rem` }} data-unit={unit.code}>
                <strong>{unit.name}</strong>{' '}
                <span className="muted">
                  {unit.code} ·{' '}
                  {t('directory.points', { count: directory.points.filter((p) => all.has(p.unitCode)).length })}
                </span>
                {own.map((p) => (
                  <div key={p.code} className="directory-point muted" data-point={p.code}>
                    {p.name}
                    {p.technician !== null &&
                      ` — ${t('directory.technician', { name: p.technician.name, phone: p.technician.phone })}`}
                  </div>
                ))}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
