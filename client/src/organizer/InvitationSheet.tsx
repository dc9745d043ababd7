import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatTime } from '../format.js';
import { api, printedLink, type IssuedLink, type MeetingSummary } from './api.js';

/** Where a hardware room dials, and each room's PIN, when the coordinator speaks SIP. */
interface SipAccess {
  conferenceNumber: string;
  dialIn: string | null;
  pins: Record<string, string>;
}

/**
 * The printable invitation: one table per unit (a district's communes together, or a province's 3,000 communes in one
 * table over as many pages as it takes — not a page per commune), each point with its name, a QR code of its link
 * (a phone or the room's PC opens it) and its short link, to type. Printed with the browser (Ctrl+P) at 9 pt or more;
 * the print style drops the console around it.
 */
export function InvitationSheet({
  meeting,
  links,
  unitOf,
  onClose,
}: {
  meeting: MeetingSummary;
  links: IssuedLink[];
  /** Each point's group: its unit's parent (a commune's district or province), or its own unit at the top. */
  unitOf: Map<string, string>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [codes, setCodes] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    void Promise.all(
      links.map(
        async (l) => [l.pointId, await QRCode.toDataURL(l.shortUrl ?? l.joinUrl, { margin: 1, width: 220 })] as const,
      ),
    ).then((pairs) => setCodes(new Map(pairs)));
  }, [links]);
  const [sip, setSip] = useState<SipAccess | null>(null);
  useEffect(() => {
    api<SipAccess>('GET', `/api/meetings/${encodeURIComponent(meeting.id)}/sip-pins`)
      .then((access) => setSip(access.dialIn === null ? null : access))
      .catch(() => setSip(null));
  }, [meeting.id]);
  const units = [...new Set(links.map((l) => unitOf.get(l.pointId) ?? ''))];

  return (
    <div className="invitation-sheet" data-testid="invitation-sheet">
      <div className="no-print form-row">
        <button type="button" className="primary" onClick={() => window.print()}>
          {t('organizer.printNow')}
        </button>
        <button type="button" onClick={onClose}>
          {t('technician.close')}
        </button>
      </div>
      {units.map((unit) => (
        <section key={unit} className="sheet-page">
          <h1>{meeting.title}</h1>
          <p>
            {t('organizer.sheetWhen', {
              date: formatDate(meeting.scheduledStart),
              time: formatTime(meeting.scheduledStart).slice(0, 5),
            })}
          </p>
          {sip !== null && (
            <p data-testid="sheet-sip">
              {t('organizer.sheetSip', { address: sip.dialIn, number: sip.conferenceNumber })}
            </p>
          )}
          <h2>{unit}</h2>
          <table className="sheet-table">
            <thead>
              <tr>
                <th scope="col">{t('organizer.sheetNo')}</th>
                <th scope="col">{t('organizer.point')}</th>
                <th scope="col">{t('organizer.sheetLink')}</th>
                <th scope="col">{t('organizer.sheetQr')}</th>
                {sip !== null && <th scope="col">{t('organizer.sheetPin')}</th>}
              </tr>
            </thead>
            <tbody>
              {links
                .filter((l) => (unitOf.get(l.pointId) ?? '') === unit)
                .map((l, i) => (
                  <tr key={l.pointId} data-point={l.pointId}>
                    <td className="num">{i + 1}</td>
                    <th scope="row">{l.name}</th>
                    <td className="sheet-link">{printedLink(l)}</td>
                    <td>
                      {codes.has(l.pointId) && (
                        <img src={codes.get(l.pointId)} alt={t('organizer.qrOf', { name: l.name })} />
                      )}
                    </td>
                    {sip !== null && (
                      <td className="sheet-pin" data-testid="sheet-pin">
                        {sip.pins[l.pointId] ?? ''}
                      </td>
                    )}
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
