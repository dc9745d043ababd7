import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Copies a text and says so for a moment. The clipboard API exists only on secure pages; elsewhere (a lab over http)
 * the text is put in a hidden field and copied the old way.
 */
export function CopyButton({ text, label, testId }: { text: string; label?: string; testId?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) {
      return undefined;
    }
    const timer = setTimeout(() => setCopied(false), 2000);

    return () => clearTimeout(timer);
  }, [copied]);
  const copy = () => {
    const done = () => setCopied(true);
    if (navigator.clipboard !== undefined) {
      navigator.clipboard.writeText(text).then(done, () => copyByHand(text) && done());
    } else if (copyByHand(text)) {
      done();
    }
  };

  return (
    <button type="button" className="copy-button" onClick={copy} data-testid={testId} aria-live="polite">
      {copied ? t('common.copied') : (label ?? t('common.copy'))}
    </button>
  );
}

function copyByHand(text: string): boolean {
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.appendChild(field);
  field.select();
  const ok = document.execCommand('copy');
  field.remove();

  return ok;
}
