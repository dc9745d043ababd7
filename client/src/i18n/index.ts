import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.js';
import { vi } from './vi.js';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The shape every language fills: the Vietnamese keys, any text. */
export type Dictionary = Widen<typeof vi>;

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'diemcau.lang';

/** `?lang=en` wins, then the last choice on this device, then Vietnamese. */
export function initialLanguage(search: string, stored: string | null): Language {
  const asked = new URLSearchParams(search).get('lang') ?? stored;

  return asked === 'en' ? 'en' : 'vi';
}

export function setupI18n(): typeof i18next {
  const lng = initialLanguage(location.search, localStorage.getItem(STORAGE_KEY));
  void i18next.use(initReactI18next).init({
    resources: { vi: { translation: vi }, en: { translation: en } },
    lng,
    fallbackLng: 'vi',
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = lng;

  return i18next;
}

export function changeLanguage(lng: Language): void {
  localStorage.setItem(STORAGE_KEY, lng);
  document.documentElement.lang = lng;
  void i18next.changeLanguage(lng);
}
