import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { durationLabel } from '../../../client/src/components/duration.js';
import { en } from '../../../client/src/i18n/en.js';
import { vi } from '../../../client/src/i18n/vi.js';

describe('durationLabel', () => {
  it('says durations as people do, in Vietnamese and English', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: 'vi', resources: { vi: { translation: vi }, en: { translation: en } } });
    const say = (seconds: number) => durationLabel(i18n.t, seconds);
    expect([30, 60, 90, 300].map(say)).toEqual(['30 giây', '1 phút', '1 phút 30 giây', '5 phút']);
    await i18n.changeLanguage('en');
    expect([45, 300, 150].map(say)).toEqual(['45 s', '5 min', '2 min 30 s']);
  });
});
