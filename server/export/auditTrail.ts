import type { DirectoryIndex } from '../domain/directory/directory.js';
import { LINK_EVENTS, type MeetingEvent } from '../domain/core/events.js';
import type { Actor } from '../domain/core/model.js';
import type { Context } from './auditContext.js';
import { describeContent } from './contentAudit.js';
import { isContentEvent } from '../domain/content/content.js';
import { formatDateTime } from '../format.js';
import { sayIn, type Lang, type Words } from './words.js';
import {
  ALERT,
  EXPORTED,
  FLOOR_END,
  FLOOR_KIND,
  HEALTH,
  ROLE_WORDS,
  ROLL_CALL_END,
  UPLINK_STATE,
} from './auditWords.js';

const AUDITED_ROLES = new Set(['chair', 'cochair', 'technician', 'observer', 'secretary', 'admin']);

export interface AuditRow {
  seq: number;
  at: number;
  /** The event's type, for programs reading the JSON; people read `action`. */
  type: string;
  /** The role in words ("Chủ trì"). */
  role: string;
  /** The role's code, for programs reading the JSON. */
  roleCode: Actor['role'];
  /** The signed-in person ("Nguyễn Thị Lan (lan.nt)"), "khóa API" for automation, or empty for an unnamed link. */
  person: string;
  tokenId: string;
  address: string;
  /** What was done, in words ("Mời phát biểu"). */
  action: string;
  /** On what or whom, in words ("Xã Tân Sơn; tối đa 5 phút"). */
  detail: string;
}

/** Long texts (answers, tasks) are cut in the trail; the record itself keeps them whole. */
const DETAIL_MAX = 200;

function clip(text: string): string {
  return text.length <= DETAIL_MAX ? text : `${text.slice(0, DETAIL_MAX - 1)}…`;
}

/**
 * Every action of a chair, co-chair, technician, observer, secretary or administrator in the meeting's log, in order,
 * in words: the action, the role, the person, and the point, unit or text it concerned (never raw codes or JSON).
 */
export function auditRows(
  events: readonly MeetingEvent[],
  index: DirectoryIndex,
  lang: Lang = 'vi',
  agenda: readonly { title: string }[] = [],
): AuditRow[] {
  const say = sayIn(lang);
  const pointName = (id: string): string => index.points.get(id)?.name ?? id;
  const requests = new Map<string, string>();
  const documents = new Map<string, string>();
  const rows: AuditRow[] = [];
  for (const event of events) {
    if (event.type === 'FloorRequested') {
      requests.set(event.requestId, event.pointId);
    }
    if (event.type === 'DocumentAttached') {
      documents.set(event.documentId, event.name);
    }
    // Staff actions, and what crossed a link between meetings (the link's reports, its state, refusals).
    if (!AUDITED_ROLES.has(event.by.role) && event.by.via !== 'link' && !LINK_EVENTS.has(event.type)) {
      continue;
    }
    const [action, detail] = describe(event, { say, pointName, index, requests, agenda, documents });
    const { by } = event;
    const person =
      by.person !== undefined
        ? `${by.person.name} (${by.person.username})`
        : by.via === 'apiKey'
          ? say(['khóa API', 'API key'])
          : '';
    rows.push({
      seq: event.seq,
      at: event.at,
      type: event.type,
      role: say(ROLE_WORDS[by.role]),
      roleCode: by.role,
      person,
      tokenId: by.tokenId ?? '',
      address: by.address ?? '',
      action,
      detail: clip(detail),
    });
  }

  return rows;
}

/** `[action, detail]` of one event, in the trail's language. */
function describe(event: MeetingEvent, context: Context): [string, string] {
  if (isContentEvent(event)) {
    return describeContent(event, context);
  }
  const { say, pointName, index, requests, agenda } = context;
  const requester = (requestId: string) => pointName(requests.get(requestId) ?? requestId);
  const minutes = (sec: number) => say([`${Math.round(sec / 6) / 10} phút`, `${Math.round(sec / 6) / 10} min`]);
  switch (event.type) {
    case 'MeetingCreated':
      return [say(['Tạo hội nghị', 'Meeting created']), event.definition.title];
    case 'MeetingAmended':
      return [
        say(['Sửa hội nghị', 'Meeting edited']),
        `${event.definition.title}; ${event.definition.invitedPointIds.length} ${say(['điểm cầu', 'points'])}`,
      ];
    case 'MeetingOpened':
      return [say(['Mở hội nghị', 'Meeting opened']), ''];
    case 'SessionStarted':
      return [say(['Khai mạc', 'Session started']), ''];
    case 'MeetingEnded':
      return [say(['Kết thúc hội nghị', 'Meeting ended']), ''];
    case 'AgendaAdvanced':
      return [
        say(['Chuyển nội dung', 'Agenda moved']),
        [`${event.index + 1}`, agenda[event.index]?.title].filter((part) => part !== undefined).join('. '),
      ];
    case 'PointConnected':
      return [say(['Điểm cầu vào họp', 'Point connected']), pointName(event.pointId)];
    case 'PointDisconnected':
      return [say(['Điểm cầu mất kết nối', 'Point disconnected']), pointName(event.pointId)];
    case 'PointReadinessReported':
      return [say(['Báo sẵn sàng', 'Readiness reported']), pointName(event.pointId)];
    case 'FloorRequested':
      return [
        say(['Đăng ký phát biểu', 'Floor requested']),
        [pointName(event.pointId), say(FLOOR_KIND[event.kind] ?? [event.kind, event.kind]), event.topic]
          .filter((part) => part !== null)
          .join('; '),
      ];
    case 'FloorWithdrawn':
      return [say(['Rút đăng ký phát biểu', 'Request withdrawn']), requester(event.requestId)];
    case 'FloorDenied':
      return [
        say(['Từ chối đăng ký phát biểu', 'Request declined']),
        [requester(event.requestId), event.reason].filter((part) => part !== null).join('; '),
      ];
    case 'FloorReordered':
      return [
        say(['Đổi thứ tự phát biểu', 'Queue reordered']),
        `${requester(event.requestId)} → ${say(['vị trí', 'position'])} ${event.position + 1}`,
      ];
    case 'FloorPriorityChanged':
      return [
        say(['Đổi mức ưu tiên', 'Priority changed']),
        `${requester(event.requestId)} → ${say(['mức', 'level'])} ${event.priority}`,
      ];
    case 'FloorGranted':
      return [
        say(['Mời phát biểu', 'Floor granted']),
        `${pointName(event.pointId)}; ${say(['tối đa', 'up to'])} ${minutes(event.limitSec)}`,
      ];
    case 'SpeakingWarned':
      return [say(['Nhắc sắp hết giờ', 'Time warning']), pointName(event.pointId)];
    case 'FloorEnded':
      return [
        say(['Kết thúc lượt phát biểu', 'Turn ended']),
        `${pointName(event.pointId)}; ${say(FLOOR_END[event.reason] ?? [event.reason, event.reason])}`,
      ];
    case 'SpeakingLimitChanged':
      return [say(['Đổi thời gian phát biểu', 'Speaking limit changed']), minutes(event.limitSec)];
    case 'AnswerAttached':
      return [say(['Ghi ý kiến trả lời', 'Answer recorded']), `${event.answeredBy}: ${event.text}`];
    case 'RollCallStarted':
      return [
        event.rerunOf === null
          ? say(['Bắt đầu điểm danh', 'Roll call started'])
          : say(['Điểm danh lại', 'Roll call re-run']),
        [
          `${event.pointIds.length} ${say(['điểm cầu', 'points'])}`,
          event.unitId === null ? null : (index.units.get(event.unitId)?.name ?? event.unitId),
        ]
          .filter((part) => part !== null)
          .join('; '),
      ];
    case 'RollCallDeadlinePassed':
      return [say(['Hết hạn điểm danh', 'Roll-call deadline passed']), ''];
    case 'RollCallConfirmed':
      return [
        say(['Xác nhận điểm danh', 'Roll call confirmed']),
        `${pointName(event.pointId)}; ${event.headcount} ${say(['đại biểu', 'attendees'])}; ${event.presiding.name}`,
      ];
    case 'RollCallClosed':
      return [say(['Kết thúc điểm danh', 'Roll call closed']), say(ROLL_CALL_END[event.reason] ?? ['', ''])];
    case 'PointLinkChanged':
      return [
        say(['Chất lượng đường truyền', 'Link quality']),
        `${pointName(event.pointId)}: ${say(HEALTH[event.health] ?? [event.health, event.health])}`,
      ];
    case 'AlertRaised':
    case 'AlertAcknowledged':
    case 'AlertCleared': {
      const [kind, subject] =
        event.type === 'AlertRaised' ? [event.kind, event.pointId ?? event.unitId] : alertParts(event.alertId);
      const about =
        subject === null ? '' : (index.points.get(subject)?.name ?? index.units.get(subject)?.name ?? subject);
      const action: Words =
        event.type === 'AlertRaised'
          ? ['Cảnh báo', 'Alert']
          : event.type === 'AlertAcknowledged'
            ? ['Đã xem cảnh báo', 'Alert acknowledged']
            : ['Hết cảnh báo', 'Alert cleared'];

      return [say(action), [say(ALERT[kind] ?? [kind, kind]), about].filter((part) => part !== '').join(': ')];
    }
    case 'AuditRecorded':
      return [say(EXPORTED[event.action] ?? [event.action, event.action]), exportDetail(event.detail, say, pointName)];
    case 'MicsMuted':
      return [
        say(['Tắt micrô mọi điểm cầu', 'All microphones muted']),
        event.exceptChairs ? say(['trừ chủ trì', 'except the chairs']) : '',
      ];
    case 'MicChanged':
      return [
        event.open ? say(['Bật micrô', 'Microphone on']) : say(['Tắt micrô', 'Microphone off']),
        event.target === 'chairs' ? say(['Chủ trì', 'Chairs']) : pointName(event.target),
      ];
    case 'ScanChanged':
      return event.pointIds.length === 0
        ? [say(['Dừng quét điểm cầu', 'Scan stopped']), '']
        : [
            say(['Quét điểm cầu', 'Scan set']),
            `${event.pointIds.length} ${say(['điểm cầu', 'points'])}; ${event.intervalSec} ${say(['giây mỗi điểm', 's each'])}`,
          ];
    case 'TurnSummarized':
      return [say(['Tóm tắt lượt phát biểu', 'Turn summarized']), `${say(['Lượt', 'Turn'])} ${event.turn + 1}`];
    case 'StreamChanged':
      return [
        say(
          event.status === 'live'
            ? ['Bắt đầu phát trực tiếp', 'Live stream started']
            : event.status === 'stopped'
              ? ['Dừng phát trực tiếp', 'Live stream stopped']
              : ['Phát trực tiếp bị dừng do sự cố', 'Live stream failed'],
        ),
        event.reason ?? '',
      ];
    case 'StreamConfigured': {
      // The destinations by name only: their addresses carry the stream keys.
      const traits = [
        event.internal ? say(['nội bộ (cần đường dẫn xem)', 'internal (viewer link)']) : say(['công khai', 'public']),
        ...(event.startWithMeeting ? [say(['phát khi khai mạc', 'starts with the meeting'])] : []),
        ...(event.keepRecording ? [say(['lưu bản ghi', 'kept as a recording'])] : []),
        ...event.destinations.map((d) => `${say(['phát tới', 'pushed to'])} ${d.name}`),
      ];

      return [say(['Cài đặt phát trực tiếp', 'Live stream set up']), traits.join('; ')];
    }
    case 'StreamCardChanged':
      return [
        say(
          event.shown
            ? ['Phát thẻ "Hội nghị tạm dừng" thay hình hội nghị', 'Stream shows the pause card']
            : ['Phát lại hình hội nghị', 'Stream shows the meeting again'],
        ),
        '',
      ];
    case 'RecordingChanged':
      return [
        say(
          event.status === 'recording'
            ? ['Bắt đầu ghi hình', 'Recording started']
            : event.status === 'stopped'
              ? ['Dừng ghi hình', 'Recording stopped']
              : ['Ghi hình bị dừng do sự cố', 'Recording failed'],
        ),
        event.reason ?? '',
      ];
    case 'ConclusionRecorded':
      return [say(['Ghi kết luận', 'Conclusion recorded']), event.text];
    case 'TaskAssigned':
      return [say(['Giao nhiệm vụ', 'Task assigned']), event.text];
    case 'TaskStatusChanged':
      return [
        say(['Cập nhật nhiệm vụ', 'Task updated']),
        event.status === 'done' ? say(['đã hoàn thành', 'done']) : say(['đang thực hiện', 'open']),
      ];
    case 'FloorForwarded':
      return [say(['Chuyển đăng ký phát biểu lên cấp trên', 'Request sent up']), requester(event.requestId)];
    case 'ChildLinked':
      return [
        say(['Hội nghị cấp dưới kết nối', 'Child meeting linked']),
        `${index.units.get(event.unitId)?.name ?? event.unitId}: ${event.title}; ${event.points.length} ${say(['điểm cầu', 'points'])}`,
      ];
    case 'ChildLinkResumed':
      return [
        say(['Hội nghị cấp dưới kết nối lại', 'Child meeting reconnected']),
        index.units.get(event.unitId)?.name ?? event.unitId,
      ];
    case 'ChildLinkLost':
      return [
        say(['Mất kết nối với hội nghị cấp dưới', 'Child meeting lost']),
        index.units.get(event.unitId)?.name ?? event.unitId,
      ];
    case 'ChildUnlinked':
      return [
        say(['Hội nghị cấp dưới ngắt kết nối', 'Child meeting unlinked']),
        index.units.get(event.unitId)?.name ?? event.unitId,
      ];
    case 'UplinkConfigured':
      return [say(['Kết nối lên hội nghị cấp trên', 'Linked up']), event.parentUrl];
    case 'UplinkStateChanged':
      return [
        say(['Kết nối với hội nghị cấp trên', 'Link to the parent meeting']),
        [say(UPLINK_STATE[event.state]), event.parentTitle].filter((part) => part !== null).join('; '),
      ];
    case 'UplinkRemoved':
      return [say(['Ngắt kết nối với hội nghị cấp trên', 'Unlinked from the parent meeting']), ''];
    case 'RelayChanged':
      return [
        say(['Chương trình', 'Program']),
        event.relaying
          ? say(['Tiếp sóng hội nghị cấp trên', 'Relaying the parent meeting'])
          : say(['Chương trình tại chỗ', 'Local program']),
      ];
    case 'ParentSlidesChanged':
      return [
        say(['Trình chiếu của hội nghị cấp trên', "The parent meeting's slides"]),
        event.slides === null
          ? say(['Kết thúc', 'Ended'])
          : `${event.slides.documentName} — ${say(['trang', 'page'])} ${event.slides.page}`,
      ];
    case 'ParentScreenChanged':
      return [
        say(['Màn hình chia sẻ của hội nghị cấp trên', "The parent meeting's shared screen"]),
        event.screen === null ? say(['Kết thúc', 'Ended']) : event.screen.presenterName,
      ];
    case 'ParentQueueChanged':
      return [
        say(['Thứ tự chờ phát biểu ở hội nghị cấp trên', "Places in the parent meeting's queue"]),
        Object.entries(event.positions)
          .sort(([, a], [, b]) => a - b)
          .map(([pointId, position]) => `${position}. ${pointName(pointId)}`)
          .join('; ') || say(['Không còn điểm nào chờ', 'None waiting']),
      ];
  }
}

/** An alert id is `kind:subject` (see `Alert.alertId`). */
function alertParts(alertId: string): [string, string | null] {
  const at = alertId.indexOf(':');

  return at < 0 ? [alertId, null] : [alertId.slice(0, at), alertId.slice(at + 1)];
}

/** The detail of an export or link action ("xlsx", "point DC-X1 <link>"): role codes and point codes in words. */
/** Phrases the coordinator writes into an audit record's detail (server/http/meetingsRouter.ts), in the trail's language. */
const DETAIL_PHRASES: [RegExp, (say: (words: Words) => string, ...groups: string[]) => string][] = [
  [/\b(\d+) points\b/g, (say, n = '') => `${n} ${say(['điểm cầu', 'points'])}`],
  [/\bvalid until\b/g, (say) => say(['hiệu lực đến', 'valid until'])],
  [/\b(\d+) s\b/g, (say, n = '') => `${n} ${say(['giây', 's'])}`],
];

function exportDetail(detail: string, say: (words: Words) => string, pointName: (id: string) => string): string {
  const phrased = DETAIL_PHRASES.reduce(
    (text, [pattern, words]) => text.replace(pattern, (...match: string[]) => words(say, ...match.slice(1))),
    detail,
  );

  return phrased.replace(/[\p{L}\p{N}_-]+/gu, (word) => {
    if (Object.hasOwn(ROLE_WORDS, word)) {
      return say(ROLE_WORDS[word as Actor['role']]);
    }
    if (['csv', 'xlsx', 'docx', 'json', 'webm'].includes(word)) {
      return say([`tệp ${word.toUpperCase()}`, `${word.toUpperCase()} file`]);
    }

    return pointName(word);
  });
}

export const AUDIT_HEADERS: Record<Lang, string[]> = {
  vi: ['STT', 'Thời điểm', 'Vai trò', 'Người thực hiện', 'Thao tác', 'Nội dung', 'Địa chỉ', 'Mã phiên'],
  en: ['No.', 'Time', 'Role', 'Person', 'Action', 'Detail', 'Address', 'Session id'],
};

/** One line of the filed trail; `number` is its place in the trail (1..n, as a clerk numbers), not the event's. */
export function auditCells(row: AuditRow, number: number): (string | number)[] {
  return [number, formatDateTime(row.at), row.role, row.person, row.action, row.detail, row.address, row.tokenId];
}
