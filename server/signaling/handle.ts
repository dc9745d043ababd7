import type { z } from 'zod';
import { DomainError, isDomainError } from '../domain/errors.js';
import { createLogger } from '../logger.js';
import type { Ack, ErrorBody } from '../protocol/common.js';

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

interface Listener {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Registers one request handler: parses the payload with its schema (once, at the boundary), runs the handler and
 * always answers the ack with `{ ok: true, ... }` or `{ ok: false, error }`. `allow` is the rate limit, checked
 * first. A request without an ack callback is dropped: every request must be answerable.
 */
export function handle<S extends z.ZodType, R extends object>(
  socket: Listener,
  event: string,
  schema: S,
  fn: (payload: z.infer<S>) => Promise<R>,
  allow: () => boolean = () => true,
): void {
  socket.on(event, (...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack !== 'function') {
      logger.debug({ event }, 'request without ack dropped');

      return;
    }
    const reply = (value: Ack<R>) => (ack as (a: Ack<R>) => void)(value);
    if (!allow()) {
      reply({
        ok: false,
        error: { code: 'RATE_LIMITED', message: 'Thao tác quá nhanh, vui lòng chờ (too many requests)' },
      });

      return;
    }
    const payload = args.length >= 2 ? args[0] : {};
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      reply({ ok: false, error: toErrorBody(validationError(parsed.error)) });

      return;
    }
    fn(parsed.data).then(
      (result) => reply({ ok: true, ...result }),
      (error: unknown) => reply({ ok: false, error: toErrorBody(error) }),
    );
  });
}
