import { describe, expect, it } from 'vitest';
import { applyDirectoryEdit } from '../../../server/domain/directory/directoryEdits.js';
import { smallDirectory } from '../../helpers/domain.js';

const codeOf = (run: () => unknown) => {
  try {
    run();

    return null;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('editing the directory one change at a time', () => {
  it('adds, renames, moves and retires units and points', () => {
    let d = applyDirectoryEdit(smallDirectory(), {
      kind: 'addUnit',
      unit: { code: 'X5', name: 'Xã Mới', level: 'commune', parentCode: 'H1' },
    });
    d = applyDirectoryEdit(d, {
      kind: 'addPoint',
      point: { code: 'DC-X5', name: 'Điểm cầu Xã Mới', level: 'commune', unitCode: 'X5', technician: null },
    });
    d = applyDirectoryEdit(d, { kind: 'rename', code: 'X5', name: 'Xã Tân Mới' });
    d = applyDirectoryEdit(d, { kind: 'moveUnit', code: 'X5', parentCode: 'H2' });
    expect(d.units.find((u) => u.code === 'X5')).toMatchObject({ name: 'Xã Tân Mới', parentCode: 'H2' });
    d = applyDirectoryEdit(d, { kind: 'movePoint', code: 'DC-X5', unitCode: 'X4' });
    d = applyDirectoryEdit(d, { kind: 'retire', code: 'X5' });
    expect(d.units.some((u) => u.code === 'X5')).toBe(false);
    expect(d.points.find((p) => p.code === 'DC-X5')?.unitCode).toBe('X4');
  });

  it('refuses a cycle, a move to a unit that does not exist, a duplicate code, retiring a unit in use, and unknown codes', () => {
    const d = smallDirectory();
    expect(codeOf(() => applyDirectoryEdit(d, { kind: 'moveUnit', code: 'H1', parentCode: 'X1' }))).toBe(
      'IMPORT_INVALID',
    );
    expect(codeOf(() => applyDirectoryEdit(d, { kind: 'movePoint', code: 'DC-X1', unitCode: 'KHONG' }))).toBe(
      'IMPORT_INVALID',
    );
    expect(
      codeOf(() =>
        applyDirectoryEdit(d, {
          kind: 'addUnit',
          unit: { code: 'H1', name: 'Trùng', level: 'district', parentCode: 'T' },
        }),
      ),
    ).toBe('IMPORT_INVALID');
    expect(codeOf(() => applyDirectoryEdit(d, { kind: 'retire', code: 'H1' }))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => applyDirectoryEdit(d, { kind: 'rename', code: 'KHONG', name: 'x' }))).toBe('NOT_FOUND');
    // Nothing was changed by any refusal.
    expect(d).toEqual(smallDirectory());
  });
});
