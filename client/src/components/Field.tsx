import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** What a field must hold; checked by the console, so the message is in its language (never the browser's own). */
export interface FieldRule {
  required?: boolean;
  /** Whole numbers in this range. */
  integer?: { min: number; max: number };
}

export const REQUIRED: FieldRule = { required: true };

/** The message key for a value that breaks the rule, or `null` when it is fine. */
export function fieldProblem(value: string, rule: FieldRule): string | null {
  const trimmed = value.trim();
  if (rule.required === true && trimmed === '') {
    return 'field.required';
  }
  if (rule.integer !== undefined && trimmed !== '') {
    const n = Number(trimmed);
    if (!Number.isInteger(n) || n < rule.integer.min || n > rule.integer.max) {
      return 'field.integer';
    }
  }

  return null;
}

/**
 * A labelled input or textarea with its error under it (`aria-invalid`, `aria-describedby`). Forms using it set
 * `noValidate`, and show errors after the first submit.
 */
export function Field({
  label,
  name,
  value,
  onChange,
  rule = {},
  showError,
  maxLength,
  multiline = false,
  numeric = false,
  password = false,
  children,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  rule?: FieldRule;
  showError: boolean;
  maxLength?: number;
  multiline?: boolean;
  numeric?: boolean;
  password?: boolean;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const errorId = useId();
  const problem = showError ? fieldProblem(value, rule) : null;
  const common = {
    name,
    value,
    maxLength,
    'aria-invalid': problem !== null,
    'aria-describedby': problem !== null ? errorId : undefined,
  };

  return (
    <label className={problem !== null ? 'field invalid' : 'field'}>
      {label}
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={password ? 'password' : 'text'}
          inputMode={numeric ? 'numeric' : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {problem !== null && (
        <span id={errorId} className="field-error" role="alert" data-testid={`error-${name}`}>
          {t(problem, rule.integer ?? {})}
        </span>
      )}
      {children}
    </label>
  );
}

/** Whether every field of a form passes its rule. */
export const fieldsValid = (fields: [string, FieldRule][]) =>
  fields.every(([value, rule]) => fieldProblem(value, rule) === null);
