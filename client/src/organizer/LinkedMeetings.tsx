import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../components/CopyButton.js';
import { FormError } from '../components/FormError.js';
import { formatDate, formatTime } from '../format.js';
import { linkedUnitsOf, unitSubtree } from '../state/units.js';
import { api, messageOf, type DirectoryView, type MeetingDetail } from './api.js';

interface Uplink {
  state: 'connecting' | 'linked' | 'lost';
  parentUrl: string;
  parentTitle: string | null;
  since: number;
  relaying: boolean;
  lastError: { code: string; message: string } | null;
}

interface Invitation {
  unitName: string;
  linkToken: string;
  /** Ten signs standing for the invitation at this coordinator (null from a server without a token registry). */
  code: string | null;
  expiresAt: number;
}

/** Levels with nothing above them: a meeting held there is offered no link up. */
const TOP_LEVELS = new Set(['nation', 'national', 'central', 'trung-uong']);

/** A code as read out: two groups of five. */
const spokenCode = (code: string) => code.replace(/^(\w{5})(\w{5})$/, '$1-$2').toUpperCase();

/**
 * The units this meeting can invite to link in: within the units it invites, those whose rooms live on coordinators
 * of their own (no point of theirs in this directory), never the hub's own unit. Without the directory yet, the
 * invited units but the hub's.
 */
function unitsToInvite(meeting: MeetingDetail, directory: DirectoryView | null): { code: string; name: string }[] {
  const hubUnit = directory?.points.find((p) => p.code === meeting.hubPointId)?.unitCode ?? null;
  if (directory === null) {
    return meeting.invitation.units.filter((u) => u !== hubUnit).map((code) => ({ code, name: code }));
  }
  const withPoints = new Set(directory.points.map((p) => p.unitCode));
  const seen = new Set<string>();

  return meeting.invitation.units
    .flatMap((code) => {
      const unit = directory.units.find((u) => u.code === code);
      const emptyItself = ![...unitSubtree(directory.units, code)].some((c) => withPoints.has(c));

      return unit !== undefined && emptyItself ? [unit] : linkedUnitsOf(directory.units, directory.points, code);
    })
    .filter((u) => u.code !== hubUnit && !seen.has(u.code) && seen.add(u.code))
    .map((u) => ({ code: u.code, name: u.name }));
}

const when = (at: number) => `${formatDate(at)} ${formatTime(at).slice(0, 5)}`;

/**
 * Linked meetings from the office's side: invite a lower level's own meeting into this one (one invitation per
 * invited unit, handed to that office with this coordinator's address), and link this meeting up into a higher
 * level's ("Kết nối lên hội nghị cấp trên"), each link's state in words.
 */
export function LinkedMeetings({
  meeting,
  directory,
  onChanged,
}: {
  meeting: MeetingDetail;
  directory: DirectoryView | null;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const base = `/api/meetings/${encodeURIComponent(meeting.id)}`;
  const [unitId, setUnitId] = useState('');
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [uplink, setUplink] = useState<Uplink | null>(null);
  const [parentUrl, setParentUrl] = useState('');
  const [linkToken, setLinkToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [plainHttp, setPlainHttp] = useState(false);
  const units = unitsToInvite(meeting, directory);
  const hubUnit = directory?.points.find((p) => p.code === meeting.hubPointId)?.unitCode;
  const hubLevel = directory?.units.find((u) => u.code === hubUnit)?.level;
  // The centre's meeting has no higher level to link up to; a meeting already linked shows its link whatever.
  const canLinkUp = uplink !== null || hubLevel === undefined || !TOP_LEVELS.has(hubLevel);
  const children = meeting.links ?? [];

  // The link's state changes on its own (a parent restarting): ask again every few seconds while on this page.
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api<Uplink>('GET', `${base}/uplink`)
        .then((u) => !stopped && setUplink(u))
        .catch(() => !stopped && setUplink(null));
    void load();
    const timer = setInterval(() => void load(), 5000);

    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [base]);

  useEffect(() => {
    api<{ allowHttp: boolean }>('GET', `${base}/uplink/policy`)
      .then((policy) => setPlainHttp(policy.allowHttp))
      .catch(() => setPlainHttp(false));
  }, [base]);

  const invite = () => {
    setError(null);
    api<Invitation>('POST', `${base}/linked-hubs`, { unitId })
      .then(setInvitation)
      .catch((e: unknown) => setError(messageOf(e)));
  };
  const linkUp = () => {
    setBusy(true);
    setError(null);
    api<Uplink>('PUT', `${base}/uplink`, { parentUrl: parentUrl.trim(), linkToken: linkToken.trim() })
      .then(() => api<Uplink>('GET', `${base}/uplink`))
      .then((u) => {
        setUplink(u);
        setLinkToken('');
        onChanged();
      })
      .catch((e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(false));
  };
  const unlink = () => {
    if (!window.confirm(t('organizer.linked.unlinkConfirm'))) {
      return;
    }
    api('DELETE', `${base}/uplink`)
      .then(() => {
        setUplink(null);
        onChanged();
      })
      .catch((e: unknown) => setError(messageOf(e)));
  };

  return (
    <section className="linked-meetings" aria-labelledby="linked-title" data-testid="linked-meetings">
      <h3 id="linked-title">{t('organizer.linked.title')}</h3>
      <FormError error={error} testId="linked-error" />
      {plainHttp && (
        <p className="notice-error" role="alert" data-testid="linked-plain-http">
          {t('organizer.linked.plainHttp')}
        </p>
      )}
      {(units.length > 0 || children.length > 0) && (
        <>
          <h4>{t('organizer.linked.children')}</h4>
          {children.length > 0 && (
            <ul data-testid="linked-children">
              {children.map((link) => (
                <li key={link.unitId}>
                  {link.unitName}: {link.title} · {t(`organizer.linked.childState.${link.state}`)} ·{' '}
                  {t('organizer.linked.points', { connected: link.connectedPoints, count: link.points })}
                </li>
              ))}
            </ul>
          )}
          <div className="form-row">
            <label>
              {t('organizer.unit')}
              <select value={unitId} onChange={(e) => setUnitId(e.target.value)} data-testid="linked-unit">
                <option value="">—</option>
                {units.map((unit) => (
                  <option key={unit.code} value={unit.code}>
                    {unit.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={unitId === ''} onClick={invite} data-testid="linked-invite">
              {t('organizer.linked.invite')}
            </button>
          </div>
          {invitation !== null && (
            <div className="linked-invitation" data-testid="linked-invitation">
              <p>{t('organizer.linked.handOver', { unit: invitation.unitName, until: when(invitation.expiresAt) })}</p>
              <div className="copy-row">
                <label>
                  {t('organizer.linked.parentUrl')}
                  <input readOnly value={location.origin} data-testid="linked-address" />
                </label>
                <CopyButton text={location.origin} />
              </div>
              {invitation.code !== null && (
                <div className="copy-row">
                  <label>
                    {t('organizer.linked.code')}
                    <output className="link-code" data-testid="linked-code">
                      {spokenCode(invitation.code)}
                    </output>
                  </label>
                  <CopyButton text={spokenCode(invitation.code)} testId="linked-code-copy" />
                </div>
              )}
              <details>
                <summary>{t('organizer.linked.fullToken')}</summary>
                <div className="copy-row">
                  <textarea readOnly rows={3} value={invitation.linkToken} data-testid="linked-token" />
                  <CopyButton text={invitation.linkToken} />
                </div>
              </details>
            </div>
          )}
        </>
      )}
      {units.length === 0 && children.length === 0 && !canLinkUp && (
        <p className="hint" data-testid="linked-none">
          {t('organizer.linked.noUnitToInvite')}
        </p>
      )}
      {canLinkUp && <h4>{t('organizer.linked.up')}</h4>}
      {!canLinkUp ? null : uplink !== null ? (
        <p data-testid="uplink-state">
          {t(`organizer.linked.upState.${uplink.state}`, { title: uplink.parentTitle ?? uplink.parentUrl })} (
          {t('organizer.linked.since', { at: when(uplink.since) })})
          {uplink.lastError !== null && uplink.state !== 'linked' && <> — {uplink.lastError.message}</>}{' '}
          <button type="button" onClick={unlink} data-testid="uplink-remove">
            {t('organizer.linked.unlink')}
          </button>
        </p>
      ) : (
        <div className="form-row">
          <label>
            {t('organizer.linked.parentUrl')}
            <input
              value={parentUrl}
              onChange={(e) => setParentUrl(e.target.value)}
              placeholder="https://hoinghi.example.gov.vn"
              data-testid="uplink-url"
            />
          </label>
          <label>
            {t('organizer.linked.token')}
            <input value={linkToken} onChange={(e) => setLinkToken(e.target.value)} data-testid="uplink-token" />
          </label>
          <button
            type="button"
            className="primary"
            disabled={busy || parentUrl.trim() === '' || linkToken.trim() === ''}
            onClick={linkUp}
            data-testid="uplink-link"
          >
            {t('organizer.linked.link')}
          </button>
        </div>
      )}
    </section>
  );
}
