// One lint setup for the whole repo.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
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
/** The services and tools: nothing under libs/ may import them. */
const APPS_AND_TOOLS = [
  '@subtrack/ingest',
  '@subtrack/lead-projection',
  '@subtrack/stats',
  '@subtrack/api-gateway',
  '@subtrack/embedded',
  '@subtrack/dashboard',
  '@subtrack/bench',
  '@subtrack/simulator',
  '@subtrack/replay',
  '@subtrack/backup',
];
/** Packages only tests use (tooling/): production code never imports them. */
const TEST_ONLY = ['@subtrack/testing'];
/** Adapters of the ports: one never imports another; only the composition root picks them. */
const ADAPTERS = [
  '@subtrack/sqlite',
  '@subtrack/mongo',
  '@subtrack/kafka',
  '@subtrack/postback-http',
  '@subtrack/telegram',
];
const restrict = (...groups) => ['error', { patterns: groups.flat() }];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-checked rules: the TypeScript program of the tests' type check (every package's
    // sources and tests) and the dashboard's own.
    files: ['**/*.{ts,tsx}'],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.spec.json', './apps/dashboard/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      // Workspace packages resolve as in jest and the tests' type check: through their exports
      // maps, to their sources, so cycles are followed across packages too.
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: './tsconfig.spec.json',
          conditionNames: ['@subtrack/source', 'types', 'require', 'node', 'default'],
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Adapters implement async ports; many answer from memory or a synchronous driver call.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Build configuration outside any TypeScript program.
    files: ['apps/dashboard/vite.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { 'import-x/no-cycle': 'off' },
  },
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
    rules: { 'no-restricted-imports': restrict(NOT_PURE, APPS_AND_TOOLS, TEST_ONLY) },
  },
  {
    // The ports name what the domain needs; they know no adapter.
    files: ['libs/ports/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': restrict(NOT_PURE, APPS_AND_TOOLS, TEST_ONLY, '@subtrack/config') },
  },
  // Adapters sit on the ports and the domain; one never imports another, and only the composition
  // root (libs/runtime) picks them.
  ...ADAPTERS.map((name) => ({
    files: [`libs/${name.slice('@subtrack/'.length)}/src/**/*.ts`],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': restrict(
        APPS_AND_TOOLS,
        TEST_ONLY,
        '@subtrack/runtime',
        ADAPTERS.filter((other) => other !== name),
      ),
    },
  })),
  {
    // The other libraries and the composition root serve the services, never the reverse.
    files: ['libs/{config,runtime,telegram-fake}/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': restrict(APPS_AND_TOOLS, TEST_ONLY) },
  },
  {
    // Services: production code imports no test-only package and no tool.
    files: ['apps/*/src/**/*.{ts,tsx}'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': restrict(
        TEST_ONLY,
        '@subtrack/bench',
        '@subtrack/simulator',
        '@subtrack/replay',
        '@subtrack/backup',
      ),
    },
  },
  {
    // The environment is parsed and validated once, in libs/config; services take the parsed
    // configuration. Tests (tooling/ too), tools and build configuration set up their own processes.
    files: ['apps/*/src/**/*.{ts,tsx}', 'libs/*/src/**/*.ts'],
    ignores: ['libs/config/src/**', '**/*.spec.ts'],
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
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Failure messages name what they waited for, Playwright locators included.
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
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
