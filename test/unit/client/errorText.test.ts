import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../../client/src/i18n/en.js';
import { errorText } from '../../../client/src/i18n/errorText.js';
import { vi } from '../../../client/src/i18n/vi.js';

describe('refusals in the console language', () => {
  beforeAll(async () => {
    await i18next.init({ resources: { vi: { translation: vi }, en: { translation: en } }, lng: 'vi' });
  });

  it('uses our own words for the codes people meet, in either language', async () => {
    await i18next.changeLanguage('vi');
    expect(errorText('FLOOR_BUSY', 'Đang có người phát biểu (floor busy)')).toBe(
      'Đang có điểm cầu phát biểu; hãy dừng lượt đó trước.',
    );
    await i18next.changeLanguage('en');
    expect(errorText('FLOOR_BUSY', 'Đang có người phát biểu (floor busy)')).toBe(
      'A point has the floor; end that turn first.',
    );
  });

  it("otherwise takes the server's message in the console's language, or the whole of it", async () => {
    const message = 'Không có đợt điểm danh rc9 (no such roll call)';
    await i18next.changeLanguage('vi');
    expect(errorText('ROLL_CALL_NOT_FOUND', message)).toBe('Không có đợt điểm danh rc9');
    await i18next.changeLanguage('en');
    expect(errorText('ROLL_CALL_NOT_FOUND', message)).toBe('no such roll call');
    expect(errorText('HTTP', 'HTTP 502')).toBe('HTTP 502');
  });
});
