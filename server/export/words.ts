/** The language of an exported document: Vietnamese first, English available. */
export type Lang = 'vi' | 'en';

/** A phrase in both languages. */
export type Words = readonly [vi: string, en: string];

/** Picks each phrase in one language. */
export const sayIn =
  (lang: Lang) =>
  (words: Words): string =>
    lang === 'vi' ? words[0] : words[1];
