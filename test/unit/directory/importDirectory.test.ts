import { describe, expect, it } from 'vitest';
import { parseDirectoryCsv, parseDirectoryJson } from '../../../server/directory/importDirectory.js';
import { DirectoryIndex } from '../../../server/domain/directory/directory.js';
import type { DomainError } from '../../../server/domain/core/errors.js';
import { smallDirectory } from '../../helpers/domain.js';

const HEADER = 'kind,code,name,level,parent,technician_name,technician_phone';

const failure = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a failure');
};

describe('directory CSV import', () => {
  it('reads a four-level tree with Vietnamese names and technicians', () => {
    const csv = [
      '\uFEFF' + HEADER,
      'unit,T,Tỉnh Bắc Giang,province,,,',
      'unit,H1,Huyện Lục Ngạn,district,T,,',
      'unit,X1,"Xã Biển Động",commune,H1,,',
      'unit,TH1,Thôn Bãi Đá,village,X1,,',
      'point,DC-T,Điểm cầu Tỉnh ủy,province,T,Nguyễn Văn An,0912 345 678',
      'point,DC-TH1,Điểm cầu thôn Bãi Đá,village,TH1,Lê Thị Hà,+84 988 111 222',
    ].join('\r\n');
    const directory = parseDirectoryCsv(csv);
    expect(directory.units).toHaveLength(4);
    expect(directory.points[1]).toEqual({
      code: 'DC-TH1',
      name: 'Điểm cầu thôn Bãi Đá',
      level: 'village',
      unitCode: 'TH1',
      technician: { name: 'Lê Thị Hà', phone: '+84 988 111 222' },
    });
    expect(new DirectoryIndex(directory).subtreePoints('H1')).toEqual(['DC-TH1']);
  });

  it("reads a hardware room's SIP address (optional sip_uri column) in its normal form, and refuses one that is not", () => {
    const csv = [
      `${HEADER},sip_uri`,
      'unit,T,Tỉnh Bắc Giang,province,,,,',
      'point,DC-T,Điểm cầu Tỉnh ủy,province,T,,,',
      'point,DC-X,Điểm cầu xã Biển Động,commune,T,,,<sip:PhongHop-BD@10.20.30.41:5060>',
    ].join('\n');
    const directory = parseDirectoryCsv(csv);
    expect(directory.points[0]?.sipUri).toBeUndefined();
    expect(directory.points[1]?.sipUri).toBe('phonghop-bd@10.20.30.41');
    const json = parseDirectoryJson({
      units: [{ code: 'T', name: 'Tỉnh', level: 'province', parentCode: null }],
      points: [
        { code: 'DC-X', name: 'Xã', level: 'commune', unitCode: 'T', technician: null, sipUri: 'sip:x@10.0.0.1' },
      ],
    });
    expect(json.points[0]?.sipUri).toBe('x@10.0.0.1');
    const broken = failure(() => parseDirectoryCsv(csv.replace('<sip:PhongHop-BD@10.20.30.41:5060>', 'not a uri')));
    expect(broken.details?.find((d) => d.line === 4)?.path).toBe('sipUri');
  });

  it('reports every broken row with its line number and returns nothing', () => {
    const csv = [
      HEADER,
      'unit,T,Tỉnh A,province,,,',
      'unit,H1,,district,T,,',
      'unit,H2,Huyện B,district,ZZ,,',
      'point,DC-1,Điểm cầu 1,commune,H9,An,12',
      'room,R1,Phòng,commune,T,,',
      'unit,T,Tỉnh trùng,province,,,',
    ].join('\n');
    const error = failure(() => parseDirectoryCsv(csv));
    expect(error.code).toBe('IMPORT_INVALID');
    const lines = (error.details ?? []).map((d) => d.line);
    expect(lines).toEqual(expect.arrayContaining([3, 5, 6]));
    expect(error.details?.find((d) => d.line === 5)?.path).toBe('technician.phone');
  });

  it('reports tree errors (unknown parent, cycle, duplicate) with lines', () => {
    const csv = [
      HEADER,
      'unit,A,Đơn vị A,district,B,,',
      'unit,B,Đơn vị B,district,A,,',
      'unit,C,Đơn vị C,district,Q,,',
    ].join('\n');
    const error = failure(() => parseDirectoryCsv(csv));
    expect(error.details?.map((d) => d.line)).toEqual(expect.arrayContaining([2, 3, 4]));
  });

  it('refuses a file without the expected header or with unbalanced quotes', () => {
    expect(failure(() => parseDirectoryCsv('code,name\nX,Y')).details?.[0]?.line).toBe(1);
    expect(failure(() => parseDirectoryCsv(`${HEADER}\nunit,"T,Tỉnh,province,,,`)).code).toBe('IMPORT_INVALID');
  });
});

describe('directory JSON import', () => {
  it('accepts a valid tree', () => {
    expect(parseDirectoryJson(smallDirectory())).toEqual(smallDirectory());
  });

  it('names the JSON path of each problem', () => {
    const bad = smallDirectory();
    (bad.points[2] as { code: string }).code = 'bad code!';
    const error = failure(() => parseDirectoryJson(bad));
    expect(error.details?.[0]?.path).toBe('points[2].code');
    expect(failure(() => parseDirectoryJson({ units: 'x' })).code).toBe('IMPORT_INVALID');
    expect(failure(() => parseDirectoryJson(null)).code).toBe('IMPORT_INVALID');
  });
});
