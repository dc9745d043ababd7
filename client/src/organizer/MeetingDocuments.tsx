import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentView } from '../../../server/protocol/content.js';
import { DOCUMENT_MAX_BYTES } from '../../../server/domain/content/types.js';
import { FormError } from '../components/FormError.js';
import { DocumentList } from '../content/DocumentList.js';
import { api, messageOf } from './api.js';

/**
 * The office attaches the meeting's documents (before or during it), to the whole meeting or to one agenda item, and
 * removes them. Each upload is the file itself as the request body; the server checks it and prepares its slides.
 */
export function MeetingDocuments({ meetingId, agenda }: { meetingId: string; agenda: readonly { title: string }[] }) {
  const { t } = useTranslation();
  const [documents, setDocuments] = useState<DocumentView[]>([]);
  const [agendaIndex, setAgendaIndex] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const base = `/api/meetings/${encodeURIComponent(meetingId)}/documents`;
  const reload = useCallback(
    () =>
      api<{ documents: DocumentView[] }>('GET', base)
        .then((r) => setDocuments(r.documents))
        .catch((e: unknown) => setError(messageOf(e))),
    [base],
  );
  useEffect(() => {
    void reload();
  }, [reload]);
  // While a document is being prepared, its state is asked again until it is ready or has failed.
  const preparing = documents.some((d) => d.state === 'preparing');
  useEffect(() => {
    if (!preparing) {
      return undefined;
    }
    const timer = setInterval(() => void reload(), 2000);

    return () => clearInterval(timer);
  }, [preparing, reload]);

  const upload = async () => {
    const chosen = file.current?.files?.[0];
    setError(null);
    setDone(null);
    if (chosen === undefined) {
      setError(t('content.file'));

      return;
    }
    if (chosen.size > DOCUMENT_MAX_BYTES) {
      setError(t('content.tooLarge'));

      return;
    }
    setBusy(true);
    try {
      const query = new URLSearchParams({ name: chosen.name, ...(agendaIndex === '' ? {} : { agendaIndex }) });
      const { document } = await api<{ document: DocumentView }>('POST', `${base}?${query.toString()}`, chosen, {
        contentType: 'application/octet-stream',
      });
      setDone(t('content.uploaded', { name: document.name }));
      if (file.current !== null) {
        file.current.value = '';
      }
      await reload();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="meeting-documents" aria-labelledby="documents-title" data-testid="meeting-documents">
      <h3 id="documents-title">{t('content.title')}</h3>
      <DocumentList
        meetingId={meetingId}
        documents={documents}
        agenda={agenda}
        token={null}
        onRemove={(documentId) =>
          void api('DELETE', `${base}/${encodeURIComponent(documentId)}`)
            .then(reload)
            .catch((e: unknown) => setError(messageOf(e)))
        }
      />
      <form
        className="form-row upload-form"
        onSubmit={(event) => {
          event.preventDefault();
          void upload();
        }}
      >
        <label>
          {t('content.file')}
          <input ref={file} type="file" name="file" accept=".pdf,.docx,.xlsx,.pptx" data-testid="document-file" />
        </label>
        <label>
          {t('content.uploadFor')}
          <select value={agendaIndex} onChange={(e) => setAgendaIndex(e.target.value)} name="agendaIndex">
            <option value="">{t('content.wholeMeeting')}</option>
            {agenda.map((item, i) => (
              <option key={i} value={String(i)}>
                {i + 1}. {item.title}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy} data-testid="upload-document">
          {busy ? t('content.uploading') : t('content.upload')}
        </button>
      </form>
      <FormError error={error} testId="document-error" />
      {done !== null && (
        <p className="saved-note" role="status">
          {done}
        </p>
      )}
    </section>
  );
}
