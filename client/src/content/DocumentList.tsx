import { useTranslation } from 'react-i18next';
import type { DocumentView } from '../../../server/protocol/content.js';
import { documentUrl, sizeText } from './urls.js';

/**
 * The meeting's documents under their agenda items (the whole meeting's first), each downloadable with the console's
 * own link; a presenter may show a prepared one as slides.
 */
export function DocumentList({
  meetingId,
  documents,
  agenda,
  token,
  onPresent,
  onRemove,
}: {
  meetingId: string;
  documents: readonly DocumentView[];
  agenda: readonly { title: string }[];
  token: string | null;
  /** Present a document from its first page; absent where this console may not present. */
  onPresent?: ((documentId: string) => void) | undefined;
  /** The office removes a document; absent elsewhere. */
  onRemove?: ((documentId: string) => void) | undefined;
}) {
  const { t, i18n } = useTranslation();
  if (documents.length === 0) {
    return (
      <p className="muted" data-testid="documents-empty">
        {t('content.noDocuments')}
      </p>
    );
  }
  const groups = [null, ...agenda.map((_, i) => i)]
    .map((index) => ({ index, items: documents.filter((d) => d.agendaIndex === index) }))
    .filter((group) => group.items.length > 0);

  return (
    <div className="document-list" data-testid="documents">
      {groups.map(({ index, items }) => (
        <section key={index ?? 'all'}>
          <h3>{index === null ? t('content.wholeMeeting') : `${index + 1}. ${agenda[index]?.title ?? ''}`}</h3>
          <ul>
            {items.map((d) => (
              <li key={d.documentId} data-testid="document" data-document={d.documentId}>
                <a href={documentUrl(meetingId, d.documentId, token)} download={d.name} className="document-name">
                  {d.name}
                </a>{' '}
                <span className="muted">
                  {d.kind.toUpperCase()} · {sizeText(d.bytes, i18n.language)}
                  {d.pages !== null && ` · ${t('content.pageCount', { count: d.pages })}`}
                </span>
                {d.state === 'preparing' && <span className="document-state"> {t('content.preparing')}</span>}
                {d.state === 'failed' && (
                  <span className="document-state failed" title={d.failure ?? ''}>
                    {' '}
                    {t('content.cannotShow')}: {d.failure}
                  </span>
                )}
                {onPresent !== undefined && d.state === 'ready' && (
                  <button type="button" className="present" onClick={() => onPresent(d.documentId)}>
                    {t('content.present')}
                  </button>
                )}
                {onRemove !== undefined && (
                  <button type="button" className="secondary" onClick={() => onRemove(d.documentId)}>
                    {t('content.remove')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
