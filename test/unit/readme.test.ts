import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../server/config.js';

describe('README', () => {
  it('lists every environment variable the server reads', () => {
    const readme = readFileSync('README.md', 'utf8');
    const keys = Object.keys(configSchema.in.shape);
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) {
      expect(readme, key).toMatch(new RegExp(`\\|\\s*\`${key}\`\\s*\\|`));
    }
  });

  it('shows the two set-up commands', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });
});
