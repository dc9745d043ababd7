import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A button whose action reaches everyone (moving the agenda, ending the meeting, muting all, revoking a link) asks
 * first, in the page: a stray click or a slipped finger changes nothing. With `reason`, the question carries an
 * optional text field (a denial's reason) that is passed to `onConfirm`.
 */
export function ConfirmButton({
  question,
  confirmLabel,
  onConfirm,
  children,
  className,
  danger = false,
  disabled,
  title,
  testId,
  reason,
}: {
  question: string;
  confirmLabel: string;
  onConfirm(reason: string): void;
  children: ReactNode;
  className?: string;
  danger?: boolean;
  disabled?: boolean;
  title?: string;
  testId?: string;
  reason?: { label: string; maxLength: number };
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [text, setText] = useState('');
  const questionId = useId();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!asking) {
      return undefined;
    }
    // Escape or a click elsewhere withdraws the question: nothing happens.
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setAsking(false);
    const onDown = (event: MouseEvent) => {
      if (box.current !== null && !box.current.contains(event.target as Node)) {
        setAsking(false);
      }
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('mousedown', onDown);

    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('mousedown', onDown);
    };
  }, [asking]);

  return (
    <div className="confirm-wrap" ref={box}>
      <button
        type="button"
        className={className}
        disabled={disabled}
        title={title}
        aria-expanded={asking}
        data-testid={testId}
        onClick={() => {
          setText('');
          setAsking(!asking);
        }}
      >
        {children}
      </button>
      {asking && (
        <div className="confirm-pop" role="alertdialog" aria-labelledby={questionId} data-testid="confirm">
          <p id={questionId}>{question}</p>
          {reason !== undefined && (
            <label className="confirm-reason">
              {reason.label}
              <input
                name="reason"
                value={text}
                maxLength={reason.maxLength}
                onChange={(event) => setText(event.target.value)}
                autoFocus
              />
            </label>
          )}
          <div className="actions">
            <button
              type="button"
              className={danger ? 'danger' : 'primary'}
              autoFocus={reason === undefined}
              data-testid="confirm-yes"
              onClick={() => {
                setAsking(false);
                onConfirm(text.trim());
              }}
            >
              {confirmLabel}
            </button>
            <button type="button" onClick={() => setAsking(false)} data-testid="confirm-no">
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
