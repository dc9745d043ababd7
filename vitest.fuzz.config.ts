import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.test.ts'],
    testTimeout: 180_000,
    pool: 'forks',
  },
});
