/**
 * Text from people is Vietnamese, and arrives in more than one form: composed (NFC) or decomposed (NFD, as some macOS
 * tools and old Windows fonts write it), sometimes with a byte-order mark or CRLF line ends. Everything is stored in
 * one form (NFC), so a name typed in one office matches the same name imported from another; it sorts in Vietnamese
 * order and is found with or without its diacritics.
 */

const BOM = /^\uFEFF/;

/** One form of each letter (NFC), no byte-order mark, LF line ends. Not trimmed: fields decide that themselves. */
export const toNfc = (raw: string): string => raw.replace(BOM, '').replace(/\r\n?/g, '\n').normalize('NFC');

/** Text from people, as stored: NFC (one form of each Vietnamese letter), trimmed. */
export const normalizeText = (raw: string): string => toNfc(raw).trim();

/**
 * Every string inside a request body (socket payload, JSON body, imported rows) in NFC, at any depth; other values
 * as they are. Objects and arrays are copied, never changed in place.
 */
export function normalizeStrings<T>(value: T, depth = 0): T {
  if (typeof value === 'string') {
    return toNfc(value) as T;
  }
  // Bodies are bounded in size already; the depth bound only keeps a crafted nesting from exhausting the stack.
  if (depth > 32 || value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown) => normalizeStrings(item, depth + 1)) as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
    return value; // a Buffer, a Date: not text
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = normalizeStrings(item, depth + 1);
  }

  return copy as T;
}

/** Vietnamese alphabetical order: a < ă < â < b … d < đ …, tones after the letter; numbers by value. */
const COLLATOR = new Intl.Collator('vi', { sensitivity: 'variant', numeric: true });
export const compareVietnamese = (a: string, b: string): number =>
  COLLATOR.compare(a.normalize('NFC'), b.normalize('NFC'));

/** For search: lower case, no tone marks or hats, đ as d — "Việt Yên", "viet yen" and "VIỆT YÊN" all match. */
export const foldForSearch = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

/** Whether `text` contains `query`, ignoring case, diacritics and Unicode form. */
export const matchesSearch = (text: string, query: string): boolean =>
  foldForSearch(text).includes(foldForSearch(query));

/** The usual abbreviations of administrative levels ("Huyện Việt Yên" → "H. Việt Yên"), for tiles too small for both. */
const LEVEL_ABBREVIATIONS: [RegExp, string][] = [
  [/^Thành phố /u, 'TP. '],
  [/^Thị xã /u, 'TX. '],
  [/^Thị trấn /u, 'TT. '],
  [/^Huyện /u, 'H. '],
  [/^Quận /u, 'Q. '],
  [/^Xã /u, 'X. '],
  [/^Phường /u, 'P. '],
];

/**
 * A point's name for a small tile: without "Điểm cầu" (every tile is one) and with its level abbreviated, so that the
 * distinguishing part shows ("Điểm cầu Huyện Việt Yên" → "H. Việt Yên"). The full name goes in the tile's title.
 */
export function shortPointName(name: string): string {
  let short = name.normalize('NFC').replace(/^Điểm cầu\s+/u, '');
  short = short.replace(/^trung tâm\s+/u, '');
  for (const [pattern, abbreviation] of LEVEL_ABBREVIATIONS) {
    if (pattern.test(short)) {
      return short.replace(pattern, abbreviation);
    }
  }

  return short.charAt(0).toUpperCase() + short.slice(1);
}
