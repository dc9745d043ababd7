/** Deterministic generators for the names and phone numbers a scenario's report does not give. */

/** A small seeded PRNG (mulberry32), so a scenario always yields the same province. */
export function seededRandom(seedText: string): () => number {
  let seed = 0;
  for (const ch of seedText) {
    seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) | 0;
  }

  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Tân',
  'Hòa',
  'An',
  'Phú',
  'Thanh',
  'Đông',
  'Tây',
  'Nam',
  'Bắc',
  'Hưng',
  'Xuân',
  'Quang',
  'Minh',
  'Trung',
  'Vĩnh',
  'Long',
  'Hồng',
  'Đại',
  'Cẩm',
  'Yên',
  'Lạc',
  'Bình',
  'Hợp',
  'Thắng',
  'Đức',
  'Phúc',
  'Tiên',
  'Ngọc',
  'Kim',
  'Lam',
  'Nghĩa',
  'Song',
  'Hương',
  'Mai',
  'Đồng',
  'Tiến',
];
const SECOND = [
  'Sơn',
  'Hà',
  'Lâm',
  'Thịnh',
  'Lợi',
  'Hưng',
  'An',
  'Phong',
  'Tiến',
  'Thành',
  'Mỹ',
  'Lộc',
  'Quang',
  'Hòa',
  'Tân',
  'Khê',
  'Trung',
  'Xá',
  'Dương',
  'Lương',
  'Vân',
  'Sinh',
  'Đình',
  'Thượng',
  'Hạ',
  'Điền',
  'Phương',
  'Châu',
  'Liên',
  'Nguyên',
];

/** Unique two-syllable place names ("Tân Sơn", "Hòa Lâm", ...) in a seeded order. */
export function placeNames(random: () => number, exclude: Iterable<string> = []): () => string {
  const all: string[] = [];
  for (const a of FIRST) {
    for (const b of SECOND) {
      if (a !== b) {
        all.push(`${a} ${b}`);
      }
    }
  }
  for (let i = all.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j] as string, all[i] as string];
  }
  const used = new Set(exclude);
  let next = 0;
  let round = 1;

  return () => {
    for (;;) {
      if (next >= all.length) {
        next = 0;
        round += 1;
      }
      const base = all[next] as string;
      next += 1;
      const name = round === 1 ? base : `${base} ${round}`;
      if (!used.has(name)) {
        used.add(name);

        return name;
      }
    }
  };
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Thanh', 'Hữu', 'Quốc', 'Ngọc'];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Hà',
  'Hải',
  'Hạnh',
  'Hùng',
  'Lan',
  'Long',
  'Mai',
  'Nam',
  'Phong',
  'Quân',
  'Sơn',
  'Thảo',
  'Trang',
  'Tuấn',
  'Việt',
  'Yến',
];

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

export function personName(random: () => number): string {
  return `${pick(random, FAMILY)} ${pick(random, MIDDLE)} ${pick(random, GIVEN)}`;
}

/** A Vietnamese mobile number, e.g. `0912 345 678`. */
export function phoneNumber(random: () => number): string {
  const prefix = pick(random, ['091', '094', '098', '097', '096', '086', '088', '083']);
  const digits = Array.from({ length: 7 }, () => Math.floor(random() * 10)).join('');

  return `${prefix}${digits[0]} ${digits.slice(1, 4)} ${digits.slice(4)}`;
}
