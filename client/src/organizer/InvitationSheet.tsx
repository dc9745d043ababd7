import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatTime } from '../format.js';
import { printedLink, type IssuedLink, type MeetingSummary } from './api.js';

/**
 * The printable invitation: one A4 page per unit, each point with its name, a QR code of its link (a phone or the
 * room's PC opens it) and its short link, to type. Printed with the browser (Ctrl+P); the print style drops everything else.
 */
export function InvitationSheet({
  meeting,
  links,
  unitOf,
  onClose,
}: {
  meeting: MeetingSummary;
  links: IssuedLink[];
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
          <h2>{unit}</h2>
          <ol className="sheet-points">
            {links
              .filter((l) => (unitOf.get(l.pointId) ?? '') === unit)
              .map((l) => (
                <li key={l.pointId} data-point={l.pointId}>
                  {codes.has(l.pointId) && (
                    <img src={codes.get(l.pointId)} alt={t('organizer.qrOf', { name: l.name })} />
                  )}
                  <div>
                    <strong>{l.name}</strong>
                    <p className="sheet-link">{printedLink(l)}</p>
                  </div>
                </li>
              ))}
          </ol>
        </section>
      ))}
    </div>
  );
}
