/**
 * Every expected failure in diemcau is a `DomainError` with a stable code from this closed set. Adapters map codes
 * to HTTP status (server/http/errors.ts) and socket acks (server/signaling/handle.ts), each in one place.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNKNOWN_EVENT',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'TOKEN_NOT_YET_VALID',
  'WRONG_MEETING',
  'FORBIDDEN',
  'NOT_CHAIR',
  'NOT_YOUR_POINT',
  'NOT_FOUND',
  'MEETING_NOT_FOUND',
  'MEETING_EXISTS',
  'MEETING_NOT_OPEN',
  'MEETING_NOT_IN_SESSION',
  'MEETING_ENDED',
  'INVALID_TRANSITION',
  'NOT_INVITED',
  'POINT_NOT_FOUND',
  'UNIT_NOT_FOUND',
  'ALREADY_QUEUED',
  'ALREADY_SPEAKING',
  'REQUEST_NOT_FOUND',
  'REQUEST_NOT_QUEUED',
  'INVALID_POSITION',
  'FLOOR_BUSY',
  'FLOOR_NOT_HELD',
  'QUEUE_EMPTY',
  'NOT_A_PETITION',
  'AGENDA_END',
  'ROLL_CALL_ACTIVE',
  'ROLL_CALL_NOT_FOUND',
  'ROLL_CALL_CLOSED',
  'ROLL_CALL_OPEN',
  'NOT_IN_ROLL_CALL',
  'EMPTY_SCOPE',
  'NOTHING_TO_RERUN',
  'IMPORT_INVALID',
  'RATE_LIMITED',
  'TOO_MANY_CONNECTIONS',
  'ORIGIN_NOT_ALLOWED',
  'STORE_UNAVAILABLE',
  'STORE_FENCED',
  'MEDIA_UNAVAILABLE',
  'SIP_OFF',
  'STREAM_UNAVAILABLE',
  'STREAM_LIVE',
  'STREAM_NOT_LIVE',
  'STREAM_FAILED',
  'NO_SIP_ADDRESS',
  'ALREADY_IN_CALL',
  'POINT_OPEN_ELSEWHERE',
  'POINT_ON_DEVICE',
  'ACCOUNT_EXISTS',
  'ACCOUNT_LOCKED',
  'SESSION_EXPIRED',
  'CSRF_FAILED',
  'NOT_LINKED',
  'LINK_LOOP',
  'LINK_IN_USE',
  'LINK_UNREACHABLE',
  'LINK_CODE_UNKNOWN',
  'DOCUMENT_INVALID',
  'DOCUMENT_NOT_FOUND',
  'DOCUMENT_NOT_READY',
  'PAGE_OUT_OF_RANGE',
  'CONTENT_BUSY',
  'CONTENT_NOT_FLOOR',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem found in an input, with where it was (a CSV line, a JSON path). */
export interface IssueDetail {
  /** 1-based line in the source file, when the input was a file. */
  line?: number;
  /** Field or JSON path. */
  path?: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: IssueDetail[] | undefined;

  constructor(code: ErrorCode, message: string, details?: IssueDetail[]) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }

  static notChair(): DomainError {
    return new DomainError('NOT_CHAIR', 'Chỉ chủ trì mới được thực hiện thao tác này (only a chair may do this)');
  }

  static forbidden(what: string): DomainError {
    return new DomainError('FORBIDDEN', `Vai trò này không được phép: ${what} (this role may not do this)`);
  }

  static notYourPoint(): DomainError {
    return new DomainError(
      'NOT_YOUR_POINT',
      'Điểm cầu chỉ được thao tác cho chính mình (a point acts only for itself)',
    );
  }

  static floorBusy(holder: string): DomainError {
    return new DomainError('FLOOR_BUSY', `Điểm cầu ${holder} đang phát biểu (the floor is held by ${holder})`);
  }

  static requestNotFound(id: string): DomainError {
    return new DomainError('REQUEST_NOT_FOUND', `Không có lượt xin phát biểu ${id} (no floor request ${id})`);
  }

  static importInvalid(details: IssueDetail[]): DomainError {
    const n = details.length;

    return new DomainError(
      'IMPORT_INVALID',
      `Danh bạ có ${n} lỗi (directory has ${n} error${n === 1 ? '' : 's'})`,
      details,
    );
  }

  static meetingNotFound(id: string): DomainError {
    return new DomainError('MEETING_NOT_FOUND', `Không có hội nghị ${id} (no meeting ${id})`);
  }

  static validation(message: string, details?: IssueDetail[]): DomainError {
    return new DomainError('VALIDATION_FAILED', message, details);
  }
}

export const isDomainError = (value: unknown): value is DomainError => value instanceof DomainError;
