/** A form's refusal, read out at once (`role="alert"`); nothing while there is none. */
export function FormError({ error, testId }: { error: string | null; testId?: string }) {
  return error === null ? null : (
    <p className="field-error" role="alert" data-testid={testId}>
      {error}
    </p>
  );
}
