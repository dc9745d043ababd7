import i18next from 'i18next';

/**
 * A refusal in the console's language: our own words for the codes people meet, else the server's message in that
 * language (the server writes "Vietnamese (English)").
 */
export function errorText(code: string, message: string): string {
  const key = `errors.${code}`;
  if (i18next.exists(key)) {
    return i18next.t(key);
  }
  const bilingual = /^(.*\S)\s*\(([^()]*)\)\s*$/s.exec(message);
  if (bilingual === null) {
    return message;
  }

  return i18next.language === 'en' ? (bilingual[2] as string) : (bilingual[1] as string);
}
