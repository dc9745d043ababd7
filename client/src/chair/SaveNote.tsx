import { useTranslation } from 'react-i18next';
import { formatTime } from '../format.js';
import type { SaveStatus } from './useDraft.js';

/** Beside each field of the record: "Chưa lưu", "Đang lưu…", "Đã lưu lúc 10:32", or why the save was refused. */
export function SaveNote({ status, dirty, testId }: { status: SaveStatus; dirty: boolean; testId: string }) {
  const { t } = useTranslation();
  if (status.kind === 'failed') {
    return (
      <span className="save-note failed" role="alert" data-testid={testId} data-state="failed">
        {t('record.saveFailed', { message: status.message })}
      </span>
    );
  }
  const [state, text] =
    status.kind === 'saving'
      ? ['saving', t('record.saving')]
      : dirty
        ? ['dirty', t('record.unsaved')]
        : status.kind === 'saved'
          ? ['saved', t('record.savedAt', { time: formatTime(status.at).slice(0, 5) })]
          : ['idle', ''];

  return (
    <span className={`save-note ${state}`} role="status" data-testid={testId} data-state={state}>
      {text}
    </span>
  );
}
