import { useTranslation } from 'react-i18next';
import { DocumentList } from '../content/DocumentList.js';
import { PresenterBar } from '../content/PresenterBar.js';
import type { PanelProps } from './panelProps.js';
import type { MediaClient } from '../media/MediaClient.js';

/** The meeting's documents at the hub: download any; a chair presents one beside the speaker and turns its pages. */
export function DocumentsPanel({ client, state, canModerate, media }: PanelProps & { media: MediaClient | null }) {
  const { t } = useTranslation();

  return (
    <section className="panel documents-panel" aria-label={t('content.title')}>
      {canModerate && (
        <PresenterBar client={client} state={state} presenter={state.meeting.hubPointId} isChair media={media} />
      )}
      <DocumentList
        meetingId={state.meeting.id}
        documents={state.content.documents}
        agenda={state.meeting.agenda}
        token={client.token}
        onPresent={canModerate ? (documentId) => void client.send('slides:show', { documentId, page: 1 }) : undefined}
      />
    </section>
  );
}
