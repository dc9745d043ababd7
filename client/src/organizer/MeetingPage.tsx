import { useCallback, useEffect, useMemo, useState } from 'react';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { DirectoryIndex, type Directory } from '../../../server/domain/directory/directory.js';
import { useTranslation } from 'react-i18next';
import { FormError } from '../components/FormError.js';
import { formatDate, formatTime } from '../format.js';
import { api, downloadFile, messageOf, type DirectoryView, type IssuedLink, type MeetingDetail } from './api.js';
import { NewMeeting } from './NewMeeting.js';
import { MeetingRecord } from './MeetingRecord.js';
import { LiveStreamPanel } from './LiveStreamPanel.js';
import { StaffLinks } from './StaffLinks.js';
import { MeetingDocuments } from './MeetingDocuments.js';
import { LinkedMeetings } from './LinkedMeetings.js';
import { InvitationSheet } from './InvitationSheet.js';
import { linksCsv } from './linksCsv.js';

const STAFF_ROLES = ['chair', 'secretary', 'technician', 'observer'] as const;

/** The link each point should use: its newest one not revoked (the list keeps older ones, to revoke them). */
function latestPerPoint(links: IssuedLink[]): IssuedLink[] {
  const latest = new Map<string, IssuedLink>();
  for (const link of links) {
    const known = latest.get(link.pointId);
    if (link.revoked !== true && (known === undefined || link.expiresAt >= known.expiresAt)) {
      latest.set(link.pointId, link);
    }
  }

  return links.filter((l) => latest.get(l.pointId) === l);
}

/**
 * One meeting: open its consoles as the signed-in person, and its invitations — a link per invited point, printed per
 * unit with a QR code, as a CSV for mail merge, each revocable and re-issuable.
 */
export function MeetingPage({ meetingId }: { meetingId: string }) {
  const { t } = useTranslation();
  const [meeting, setMeeting] = useState<MeetingDetail | null>(null);
  const [copying, setCopying] = useState(false);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [directory, setDirectory] = useState<DirectoryView | null>(null);
  const [links, setLinks] = useState<IssuedLink[]>([]);
  const [printing, setPrinting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fail = (e: unknown) => setError(messageOf(e));
  const [version, setVersion] = useState(0);
  useEffect(() => {
    api<MeetingDetail>('GET', `/api/meetings/${encodeURIComponent(meetingId)}`)
      .then(setMeeting)
      .catch((e: unknown) => setError(messageOf(e)));
  }, [meetingId, version]);
  useEffect(() => {
    void api<DirectoryView>('GET', '/api/directory').then(setDirectory);
  }, []);
  // Another meeting (a copy just created) starts with its own page state; the point links issued before (this page
  // reloaded, or opened tomorrow to print again) come back from the server.
  // Every link still listed (one issued by hand or by `npm start` too), so each can be revoked here.
  const loadLinks = useCallback(
    () =>
      api<{ links: (IssuedLink & { role: string; pointId: string | null })[] }>(
        'GET',
        `/api/meetings/${encodeURIComponent(meetingId)}/tokens`,
      )
        .then((r) => setLinks(r.links.filter((l): l is IssuedLink & { role: string } => l.role === 'point')))
        .catch((e: unknown) => setError(messageOf(e))),
    [meetingId],
  );
  useEffect(() => {
    setSaved(false);
    setEditing(false);
    setLinks([]);
    void loadLinks();
  }, [loadLinks]);
  // Until the session starts the office may still change what it prepared.
  const editable = meeting !== null && (meeting.status === 'scheduled' || meeting.status === 'open');
  const unitOf = useMemo(() => {
    const unitName = new Map(directory?.units.map((u) => [u.code, u.name]));

    return new Map(directory?.points.map((p) => [p.code, unitName.get(p.unitCode) ?? '']));
  }, [directory]);
  // The invitation's tables: a commune's point under its district (or province), as tallies and exports group them,
  // not a table per commune.
  const groupOf = useMemo(() => {
    if (directory === null) {
      return new Map<string, string>();
    }
    const index = new DirectoryIndex(directory as Directory);

    return new Map(directory.points.map((p) => [p.code, index.groupUnitOf(p.code)?.name ?? '']));
  }, [directory]);
  const base = `/api/meetings/${encodeURIComponent(meetingId)}`;

  const issueAll = () => api<{ points: IssuedLink[] }>('POST', `${base}/tokens/points`).then(loadLinks).catch(fail);
  const revoke = (link: IssuedLink) =>
    api('POST', `${base}/tokens/${encodeURIComponent(link.tokenId)}/revoke`)
      .then(() => setLinks((all) => all.map((l) => (l.tokenId === link.tokenId ? { ...l, revoked: true } : l))))
      .catch(fail);
  const reissue = (link: IssuedLink) =>
    (link.revoked === true
      ? Promise.resolve()
      : api('POST', `${base}/tokens/${encodeURIComponent(link.tokenId)}/revoke`)
    )
      .then(() => api<IssuedLink>('POST', `${base}/tokens`, { role: 'point', pointId: link.pointId }))
      .then(loadLinks)
      .catch(fail);
  const open = (role: (typeof STAFF_ROLES)[number]) =>
    api<{ joinUrl: string }>('POST', `${base}/open`, { role })
      .then((r) => window.open(r.joinUrl, '_blank', 'noopener'))
      .catch(fail);
  // Two files, two names: the comma one for mail merge, the semicolon one for Excel set to Vietnamese.
  const live = latestPerPoint(links);
  const downloadCsv = (separator: ',' | ';') =>
    downloadFile(
      `duong-dan-${meetingId}-${separator === ',' ? 'dau-phay' : 'cham-phay'}.csv`,
      linksCsv(live, unitOf, separator),
      'text/csv;charset=utf-8',
    );

  if (printing && meeting !== null) {
    return <InvitationSheet meeting={meeting} links={live} unitOf={groupOf} onClose={() => setPrinting(false)} />;
  }

  return (
    <section className="panel meeting-page" aria-labelledby="meeting-title">
      <p>
        <a href="#/">← {t('organizer.meetings')}</a>
      </p>
      {meeting !== null && (
        <>
          <h2 id="meeting-title">{meeting.title}</h2>
          <p className="muted">
            {formatDate(meeting.scheduledStart)} {formatTime(meeting.scheduledStart).slice(0, 5)} ·{' '}
            {t(`status.${meeting.status}`)} · {t('organizer.invitedCount', { count: meeting.invited })}
          </p>
        </>
      )}
      <FormError error={error} testId="meeting-error" />
      {saved && (
        <p role="status" className="saved-note" data-testid="meeting-saved">
          {t('organizer.saved')}
        </p>
      )}
      <div className="form-row">
        <button
          type="button"
          disabled={!editable}
          title={editable ? undefined : t('organizer.editClosed')}
          onClick={() => {
            setEditing(!editing);
            setCopying(false);
            setSaved(false);
          }}
          data-testid="edit-meeting"
        >
          {t('organizer.edit')}
        </button>
        <button
          type="button"
          onClick={() => {
            setCopying(!copying);
            setEditing(false);
          }}
          data-testid="copy-meeting"
        >
          {t('organizer.copy')}
        </button>
        {STAFF_ROLES.map((role) => (
          <button key={role} type="button" onClick={() => void open(role)} data-testid={`open-${role}`}>
            {t(`organizer.open.${role}`)}
          </button>
        ))}
      </div>
      {editing && meeting !== null && (
        <NewMeeting
          copyOf={meeting}
          edit
          onCreated={() => {
            setEditing(false);
            setSaved(true);
            setVersion((v) => v + 1);
          }}
        />
      )}
      {copying && meeting !== null && (
        <NewMeeting
          copyOf={meeting}
          onCreated={(id) => {
            setCopying(false);
            location.hash = `#/hoi-nghi/${encodeURIComponent(id)}`;
          }}
        />
      )}
      {meeting !== null && <MeetingDocuments meetingId={meetingId} agenda={meeting.agenda} />}
      <StaffLinks meetingId={meetingId} />
      {meeting !== null && (
        <LinkedMeetings meeting={meeting} directory={directory} onChanged={() => setVersion((v) => v + 1)} />
      )}
      {meeting !== null && <LiveStreamPanel meetingId={meetingId} ended={meeting.status === 'ended'} />}
      <MeetingRecord meetingId={meetingId} />
      <h3>{t('organizer.invitations')}</h3>
      <div className="form-row">
        {(meeting?.invited ?? 0) > 0 ? (
          <button type="button" className="primary" onClick={() => void issueAll()} data-testid="issue-links">
            {t('organizer.issueAll', { count: meeting?.invited ?? 0 })}
          </button>
        ) : (
          <p className="hint" data-testid="no-points-here">
            {t('organizer.noPointsHere')}
          </p>
        )}
        {links.length > 0 && (
          <>
            <button type="button" onClick={() => setPrinting(true)} data-testid="print-sheet">
              {t('organizer.print')}
            </button>
            <button type="button" onClick={() => downloadCsv(',')}>
              {t('organizer.csvComma')}
            </button>
            <button type="button" onClick={() => downloadCsv(';')}>
              {t('organizer.csvSemicolon')}
            </button>
          </>
        )}
      </div>
      {links.length > 0 && (
        <table className="links-issued" data-testid="issued-links">
          <thead>
            <tr>
              <th scope="col">{t('organizer.unit')}</th>
              <th scope="col">{t('organizer.point')}</th>
              <th scope="col">{t('organizer.validUntil')}</th>
              <th scope="col">{t('organizer.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {links.map((link) => (
              <tr
                key={link.tokenId}
                data-point={link.pointId}
                data-token={link.tokenId}
                className={link.revoked === true ? 'revoked' : ''}
              >
                <td>{unitOf.get(link.pointId)}</td>
                <th scope="row">{link.name}</th>
                <td>
                  {link.revoked === true
                    ? t('organizer.revoked')
                    : `${formatDate(link.expiresAt)} ${formatTime(link.expiresAt).slice(0, 5)}`}
                </td>
                <td>
                  {link.revoked !== true && (
                    <ConfirmButton
                      danger
                      question={t('organizer.revokeQuestion', { name: link.name })}
                      confirmLabel={t('organizer.revoke')}
                      onConfirm={() => void revoke(link)}
                      testId="revoke"
                    >
                      {t('organizer.revoke')}
                    </ConfirmButton>
                  )}{' '}
                  <button type="button" onClick={() => void reissue(link)}>
                    {t('organizer.reissue')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
