import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, isDomainError, type ErrorCode } from '../domain/core/errors.js';
import { createLogger } from '../logger.js';

const logger = createLogger('http');

/** The one place DomainError codes become HTTP statuses. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  IMPORT_INVALID: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  TOKEN_NOT_YET_VALID: 401,
  SESSION_EXPIRED: 401,
  ACCOUNT_LOCKED: 429,
  CSRF_FAILED: 403,
  WRONG_MEETING: 403,
  FORBIDDEN: 403,
  NOT_CHAIR: 403,
  NOT_YOUR_POINT: 403,
  NOT_FOUND: 404,
  MEETING_NOT_FOUND: 404,
  POINT_NOT_FOUND: 404,
  UNIT_NOT_FOUND: 404,
  ROLL_CALL_NOT_FOUND: 404,
  REQUEST_NOT_FOUND: 404,
  RATE_LIMITED: 429,
  TOO_MANY_CONNECTIONS: 429,
  ORIGIN_NOT_ALLOWED: 403,
  STORE_UNAVAILABLE: 503,
  STORE_FENCED: 503,
  MEDIA_UNAVAILABLE: 503,
  SIP_OFF: 503,
  STREAM_UNAVAILABLE: 503,
  STREAM_FAILED: 503,
  STREAM_LIVE: 409,
  STREAM_NOT_LIVE: 409,
  LINK_UNREACHABLE: 502,
  LINK_CODE_UNKNOWN: 404,
  DOCUMENT_INVALID: 422,
  DOCUMENT_NOT_FOUND: 404,
  PAGE_OUT_OF_RANGE: 400,
  INTERNAL: 500,
};

export const statusOf = (code: ErrorCode): number => STATUS[code] ?? 409;

export const notFound: RequestHandler = (req, _res, next) => {
  next(new DomainError('NOT_FOUND', `Không có đường dẫn ${req.method} ${req.path} (no such route)`));
};

/** Every error becomes `{ error: { code, message, details? } }` with a 4xx/5xx status; nothing leaks a stack. */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  let domain: DomainError;
  if (isDomainError(error)) {
    domain = error;
  } else if (isBodyParserError(error)) {
    domain =
      error.type === 'entity.too.large'
        ? new DomainError('PAYLOAD_TOO_LARGE', 'Dữ liệu gửi lên quá lớn (request body too large)')
        : DomainError.validation(`Nội dung không đọc được (unreadable body): ${error.message}`);
  } else {
    logger.error({ err: error }, 'request failed unexpectedly');
    domain = new DomainError('INTERNAL', 'Lỗi máy chủ (internal error)');
  }
  const { code, message, details } = domain;
  res.status(statusOf(code)).json({ error: { code, message, ...(details ? { details } : {}) } });
};

function isBodyParserError(error: unknown): error is { type: string; message: string; status: number } {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}
