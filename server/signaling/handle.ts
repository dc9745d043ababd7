import type { z } from 'zod';
import { DomainError, isDomainError } from '../domain/core/errors.js';
import { createLogger } from '../logger.js';
import type { Ack, ErrorBody } from '../protocol/common.js';
import { REQUESTS, type RequestName } from '../protocol/requests.js';
import { normalizeStrings } from '../domain/core/text.js';

const logger = createLogger('signaling');

/** Maps any thrown value to the ack error body; unexpected errors are logged and reported as `INTERNAL`. */
export function toErrorBody(error: unknown): ErrorBody {
  if (isDomainError(error)) {
    return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
  logger.error({ err: error }, 'handler failed unexpectedly');

  return { code: 'INTERNAL', message: 'Lỗi máy chủ (internal error)' };
}

export function validationError(error: z.ZodError): DomainError {
  const details = error.issues
    .slice(0, 20)
    .map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');

  return DomainError.validation(`Dữ liệu không hợp lệ (invalid payload): ${summary}`, details);
}

/**
 * The one entry of every client request (a socket's single `onAny` listener): unknown events are answered
 * `UNKNOWN_EVENT`; then the rate limit (`allow`), the payload's schema (parsed once, at the boundary), and `run`
 * (the handler, at the meeting's owner).
 * The ack is always answered `{ ok: true, ... }` or `{ ok: false, error }`. A request without an ack callback is
 * dropped: every request must be answerable.
 */
export function dispatchRequest(
  run: (name: RequestName, payload: unknown) => Promise<object>,
  allow: (name: RequestName) => boolean,
  event: string,
  args: unknown[],
): void {
  const ack = args.at(-1);
  if (typeof ack !== 'function') {
    logger.debug({ event: event.slice(0, 64) }, 'request without ack dropped');

    return;
  }
  const reply = (value: Ack) => (ack as (a: Ack) => void)(value);
  if (!Object.hasOwn(REQUESTS, event)) {
    reply({
      ok: false,
      error: { code: 'UNKNOWN_EVENT', message: `Sự kiện không xác định: ${event.slice(0, 64)} (unknown event)` },
    });

    return;
  }
  const name = event as RequestName;
  if (!allow(name)) {
    reply({
      ok: false,
      error: { code: 'RATE_LIMITED', message: 'Thao tác quá nhanh, vui lòng chờ (too many requests)' },
    });

    return;
  }
  // Text from people in one Unicode form (NFC) before anything reads it: names, topics, summaries.
  const parsed = REQUESTS[name].schema.safeParse(normalizeStrings(args.length >= 2 ? args[0] : {}));
  if (!parsed.success) {
    reply({ ok: false, error: toErrorBody(validationError(parsed.error)) });

    return;
  }
  run(name, parsed.data).then(
    (result) => reply({ ok: true, ...result }),
    (error: unknown) => reply({ ok: false, error: toErrorBody(error) }),
  );
}
