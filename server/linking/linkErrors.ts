import { DomainError, ERROR_CODES, type ErrorCode } from '../domain/core/errors.js';
import { reportOf } from '../domain/linking/linking.js';
import type { MeetingState } from '../domain/core/model.js';
import type { ErrorBody } from '../protocol/common.js';
import { childReport, LINK_MAX_MESSAGE_BYTES } from '../protocol/link.js';
import { validationError } from '../signaling/handle.js';

/**
 * The meeting's report as the parent's schema will check it, checked here first: one the parent cannot take (more
 * points than a link carries) is said once, plainly, and tried again only after a growing wait.
 */
export function checkedReport(state: MeetingState): unknown {
  const report = reportOf(state);
  const checked = childReport.safeParse(report);
  if (!checked.success) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      `Báo cáo của hội nghị không hợp lệ để gửi lên cấp trên (the report does not fit the link): ${validationError(checked.error).message}`,
    );
  }
  if (Buffer.byteLength(JSON.stringify(report)) > LINK_MAX_MESSAGE_BYTES - 1024) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      'Báo cáo của hội nghị quá lớn để gửi lên cấp trên (the report is larger than a link message)',
    );
  }

  return report;
}

/** Why the parent could not be reached, in words. */
export function unreachable(error: Error): string {
  return `Không kết nối được tới hội nghị cấp trên (parent unreachable): ${error.message}`;
}

export function toDomain(body: ErrorBody): DomainError {
  const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(body.code) ? body.code : 'LINK_UNREACHABLE';

  return new DomainError(code, body.message);
}

export function errorBodyOf(error: unknown): ErrorBody {
  return error instanceof DomainError
    ? { code: error.code, message: error.message }
    : { code: 'LINK_UNREACHABLE', message: String(error) };
}
