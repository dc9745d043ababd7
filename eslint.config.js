// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      'dist/**',
      'coverage/**',
      'test/bench/results/**',
      'test/fuzz/results/**',
      'client/dist/**',
      'test/e2e/artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      curly: ['error', 'all'],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain is pure: no I/O, frameworks or clocks (ARCHITECTURE.md, rule 1).
    files: ['server/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'net', 'http', 'crypto'], message: 'server/domain is pure.' },
            {
              group: ['socket.io*', 'ioredis', 'mediasoup*', 'express', 'werift', 'pino'],
              message: 'server/domain is pure.',
            },
            {
              group: ['**/store/*', '**/signaling/*', '**/http/*', '**/media/*', '**/protocol/*'],
              message: 'server/domain is pure.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'Time comes in as an argument.' },
        'setTimeout',
        'setInterval',
      ],
    },
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // CLIs print their result lines on purpose.
    files: ['server/**/cli.ts', 'server/simulator/**/*.ts', 'server/protocol/docs.ts', 'test/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
