import { describe, expect, it } from 'vitest';
import {
  compareVietnamese,
  foldForSearch,
  matchesSearch,
  normalizeStrings,
  normalizeText,
  shortPointName,
} from '../../../server/domain/core/text.js';

const NFC = 'Huyện Việt Yên';
const NFD = NFC.normalize('NFD');

describe('Vietnamese text in one form', () => {
  it('stores composed and decomposed input alike, without byte-order mark or CR', () => {
    expect(NFD).not.toBe(NFC);
    expect(normalizeText(`\uFEFF ${NFD}\r\n`)).toBe(NFC);
    expect(normalizeStrings({ a: [NFD, 3, { b: `x\r\ny` }], n: null })).toEqual({
      a: [NFC, 3, { b: 'x\ny' }],
      n: null,
    });
  });

  it('leaves non-text values and a too-deep nesting alone, and never changes its input', () => {
    const input = { name: NFD };
    normalizeStrings(input);
    expect(input.name).toBe(NFD);
    let deep: unknown = NFD;
    for (let i = 0; i < 100; i += 1) {
      deep = [deep];
    }
    expect(() => normalizeStrings(deep)).not.toThrow();
    const buffer = Buffer.from('x');
    expect(normalizeStrings({ buffer }).buffer).toBe(buffer);
  });

  it('sorts in Vietnamese alphabetical order whatever the form', () => {
    const names = ['Đồng Tâm', 'Dương Đức', 'Ân Hòa'.normalize('NFD'), 'An Lạc', 'Ba Đình', 'Xã 10', 'Xã 9'];
    expect([...names].sort(compareVietnamese).map((n) => n.normalize('NFC'))).toEqual([
      'An Lạc',
      'Ân Hòa',
      'Ba Đình',
      'Dương Đức',
      'Đồng Tâm',
      'Xã 9',
      'Xã 10',
    ]);
  });

  it('finds a name with or without diacritics, in either form', () => {
    expect(foldForSearch('ĐIỂM CẦU Huyện  Việt Yên')).toBe('diem cau huyen viet yen');
    expect(matchesSearch(NFD, 'viet yen')).toBe(true);
    expect(matchesSearch(NFC, 'Việt Yên'.normalize('NFD'))).toBe(true);
    expect(matchesSearch(NFC, 'lục ngạn')).toBe(false);
  });

  it('shortens a point name to its distinguishing part', () => {
    expect(shortPointName('Điểm cầu Huyện Việt Yên')).toBe('H. Việt Yên');
    expect(shortPointName('Điểm cầu Thành phố Bắc Giang')).toBe('TP. Bắc Giang');
    expect(shortPointName('Điểm cầu Xã Hương Phương'.normalize('NFD'))).toBe('X. Hương Phương');
    expect(shortPointName('Điểm cầu trung tâm Tỉnh ủy Bắc Giang')).toBe('Tỉnh ủy Bắc Giang');
    expect(shortPointName('Sở Y tế')).toBe('Sở Y tế');
  });
});
