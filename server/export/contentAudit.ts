import type { ContentEvent } from '../domain/content/content.js';
import type { ContentStopReason } from '../domain/content/types.js';
import type { Context } from './auditContext.js';
import type { Words } from './words.js';

/** The audit trail's words for documents and what was shown beside the speaker. */
const CONTENT_STOP: Record<ContentStopReason, Words> = {
  presenter: ['người trình chiếu dừng', 'by the presenter'],
  chair: ['chủ trì dừng', 'by the chair'],
  turn_ended: ['hết lượt phát biểu', 'the turn ended'],
  removed: ['tài liệu bị gỡ', 'the document was removed'],
  meeting_ended: ['hội nghị kết thúc', 'the meeting ended'],
};

export function describeContent(event: ContentEvent, { say, pointName, documents }: Context): [string, string] {
  const documentName = (id: string | null) => (id === null ? null : (documents.get(id) ?? id));
  switch (event.type) {
    case 'DocumentAttached':
      return [say(['Thêm tài liệu', 'Document added']), `${event.name} (${Math.ceil(event.bytes / 1024)} KB)`];
    case 'DocumentPrepared':
      return [
        say(['Tài liệu sẵn sàng trình chiếu', 'Document ready to show']),
        `${event.pages} ${say(['trang', 'pages'])}`,
      ];
    case 'DocumentFailed':
      return [say(['Tài liệu không trình chiếu được', 'Document cannot be shown']), event.reason];
    case 'DocumentRemoved':
      return [say(['Gỡ tài liệu', 'Document removed']), documentName(event.documentId) ?? ''];
    case 'ContentShown':
      return [
        event.kind === 'screen'
          ? say(['Chia sẻ màn hình', 'Screen shared'])
          : say(['Trình chiếu tài liệu', 'Slides shown']),
        [
          pointName(event.presenter),
          documentName(event.documentId),
          event.page === null ? null : `${say(['trang', 'page'])} ${event.page}`,
        ]
          .filter((part) => part !== null)
          .join('; '),
      ];
    case 'ContentStopped':
      return [say(['Dừng trình chiếu', 'Presentation stopped']), say(CONTENT_STOP[event.reason])];
    case 'ContentKept':
      return [
        event.kept
          ? say(['Giữ trình chiếu sau lượt', 'Presentation kept'])
          : say(['Bỏ giữ trình chiếu', 'Presentation not kept']),
        '',
      ];
  }
}
