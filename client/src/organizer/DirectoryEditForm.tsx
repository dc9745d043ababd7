import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../components/FormError.js';
import { unitsInTreeOrder } from '../state/units.js';
import { api, ApiError, messageOf, type DirectoryView } from './api.js';
import { KNOWN_LEVELS } from '../../../server/domain/directory/directory.js';

/** An empty field is "no address". */
const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());

const ACTIONS = ['rename', 'move', 'retire', 'addUnit', 'addPoint', 'sipUri'] as const;
type Action = (typeof ACTIONS)[number];

/**
 * One change to the directory: rename, move or retire a unit or point, or add one. The server checks the whole tree
 * (no cycle, no unknown parent, no duplicate code) and says why it refuses, here at the form; nothing changes then.
 */
export function DirectoryEditForm({ directory, onSaved }: { directory: DirectoryView; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const [action, setAction] = useState<Action>('rename');
  const [target, setTarget] = useState('');
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const [newCode, setNewCode] = useState('');
  const [level, setLevel] = useState('commune');
  const [sipUri, setSipUri] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const isPoint = directory.points.some((p) => p.code === target);
  const units = unitsInTreeOrder(directory.units);
  const unitOptions = units.map(({ unit, depth }) => (
    <option key={unit.code} value={unit.code}>
      {' '.repeat(depth * 2)}
      {unit.name}
    </option>
  ));

  const body = (): unknown => {
    switch (action) {
      case 'rename':
        return { kind: 'rename', code: target, name };
      case 'move':
        return isPoint
          ? { kind: 'movePoint', code: target, unitCode: parent }
          : { kind: 'moveUnit', code: target, parentCode: parent === '' ? null : parent };
      case 'retire':
        return { kind: 'retire', code: target };
      case 'addUnit':
        return { kind: 'addUnit', unit: { code: newCode, name, level, parentCode: parent === '' ? null : parent } };
      case 'addPoint':
        return {
          kind: 'addPoint',
          point: { code: newCode, name, level, unitCode: parent, technician: null, sipUri: orNull(sipUri) },
        };
      case 'sipUri':
        return { kind: 'setSipUri', code: target, sipUri: orNull(sipUri) };
    }
  };

  return (
    <form
      className="directory-edit form-row"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        setSaved(null);
        api('POST', '/api/directory/edits', body())
          .then(() => {
            setSaved(t('directory.saved'));
            onSaved();
          })
          .catch((e: unknown) => {
            const details = e instanceof ApiError ? e.details.map((d) => d.message).join('; ') : '';
            setError(`${messageOf(e)}${details === '' ? '' : ` — ${details}`}`);
          });
      }}
    >
      <label>
        {t('directory.action')}
        <select name="action" value={action} onChange={(e) => setAction(e.target.value as Action)}>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {t(`directory.actions.${a}`)}
            </option>
          ))}
        </select>
      </label>
      {(action === 'rename' || action === 'move' || action === 'retire' || action === 'sipUri') && (
        <label>
          {t('directory.target')}
          <select
            name="target"
            value={target}
            onChange={(e) => {
              setTarget(e.target.value);
              setSipUri(directory.points.find((p) => p.code === e.target.value)?.sipUri ?? '');
            }}
          >
            <option value="">—</option>
            {action !== 'sipUri' && <optgroup label={t('directory.units')}>{unitOptions}</optgroup>}
            <optgroup label={t('directory.pointsLabel')}>
              {directory.points.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
      )}
      {(action === 'addUnit' || action === 'addPoint') && (
        <>
          <label>
            {t('directory.code')}
            <input name="newCode" value={newCode} onChange={(e) => setNewCode(e.target.value)} />
          </label>
          <label>
            {t('directory.level')}
            {/* The level by its Vietnamese name; the code stays inside (a tree of any depth may add its own). */}
            <select name="level" value={level} onChange={(e) => setLevel(e.target.value)}>
              {Object.entries(KNOWN_LEVELS).map(([code, label]) => (
                <option key={code} value={code}>
                  {i18n.language === 'en' ? `${label} (${code})` : label}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {(action === 'rename' || action === 'addUnit' || action === 'addPoint') && (
        <label>
          {t('directory.name')}
          <input name="newName" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </label>
      )}
      {(action === 'move' || action === 'addUnit' || action === 'addPoint') && (
        <label>
          {t('directory.under')}
          <select name="parent" value={parent} onChange={(e) => setParent(e.target.value)}>
            <option value="">{t('directory.root')}</option>
            {unitOptions}
          </select>
        </label>
      )}
      {(action === 'sipUri' || action === 'addPoint') && (
        <label>
          {t('directory.sipUri')}
          <input
            name="sipUri"
            value={sipUri}
            maxLength={300}
            placeholder="sip:phonghop@10.20.30.40"
            onChange={(e) => setSipUri(e.target.value)}
            aria-describedby="sip-uri-note"
          />
          <span id="sip-uri-note" className="muted field-note">
            {t('directory.sipUriNote')}
          </span>
        </label>
      )}
      <button type="submit" className="primary">
        {t('directory.save')}
      </button>
      <FormError error={error} testId="directory-edit-error" />
      {saved !== null && (
        <p className="notice notice-info" role="status" data-testid="directory-edit-saved">
          {saved}
        </p>
      )}
    </form>
  );
}
