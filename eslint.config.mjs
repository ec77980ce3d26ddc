// One lint setup for the whole repo.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports that pure packages must not make: Node, the framework, drivers, adapters. */
const NOT_PURE = [
  'node:*',
  '@nestjs/*',
  'better-sqlite3',
  'kafkajs',
  'mongoose',
  'telegraf',
  '@subtrack/sqlite',
  '@subtrack/mongo',
  '@subtrack/kafka',
  '@subtrack/runtime',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    // The domain and the event contracts stay free of Node, framework and adapter imports: pure
    // code only (the dashboard bundles parts of the domain for the browser).
    files: ['libs/domain/src/**/*.ts', 'libs/contracts/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...NOT_PURE, '@subtrack/ports'] }] },
  },
  {
    // The API contract likewise; it may name the ports' types, which hold no code.
    files: ['libs/api-contract/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: NOT_PURE }] },
  },
  {
    // The environment is parsed and validated once, in libs/config; services take the parsed
    // configuration. Tests, tools and build configuration set up processes of their own.
    files: ['apps/*/src/**/*.{ts,tsx}', 'libs/*/src/**/*.ts'],
    ignores: ['libs/config/src/**', 'libs/testing/src/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through @subtrack/config.' },
      ],
    },
  },
  {
    // Tests read loosely typed JSON answers.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The dashboard: browser code in TSX, held to the same import and unused-variable rules.
    files: ['apps/dashboard/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
