import { useTranslation } from 'react-i18next';
import type { ConsoleState } from '../state/consoleState.js';
import { DocumentList } from './DocumentList.js';

/** The meeting's documents, folded under their count, for consoles whose screen belongs to something else. */
export function DocumentsDetails({
  state,
  token,
  onPresent,
  open = false,
}: {
  state: ConsoleState;
  token: string;
  onPresent?: ((documentId: string) => void) | undefined;
  open?: boolean;
}) {
  const { t } = useTranslation();

  return (
    <details className="point-documents" open={open} data-testid="documents-details">
      <summary>
        {t('content.title')} ({state.content.documents.length})
      </summary>
      <DocumentList
        meetingId={state.meeting.id}
        documents={state.content.documents}
        agenda={state.meeting.agenda}
        token={token}
        onPresent={onPresent}
      />
    </details>
  );
}
