// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Workflow and definition code runs in Temporal's deterministic sandbox (and in pure unit tests). */
const sandboxRestrictions = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: ['node:*'], message: 'Workflow/definition code must not import Node builtins (Temporal sandbox).' },
        {
          group: ['fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'process', 'url', 'util'],
          message: 'Workflow/definition code must not import Node builtins (Temporal sandbox).',
        },
        { group: ['pino', 'pino-*', 'fastify', 'fastify-*', '@fastify/*'], message: 'No I/O libraries in sandboxed code.' },
        { group: ['@temporalio/worker', '@temporalio/client', '@temporalio/activity'], message: 'Sandboxed code may import only @temporalio/workflow and @temporalio/common.' },
        { group: ['**/activities/**', '**/api/**', '**/scripts/**', '**/config', '**/config/**'], message: 'Sandboxed code must not import I/O modules.' },
      ],
    },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Read time from the workflow clock or an event, never Date.now().' },
    { object: 'Math', property: 'random', message: 'No randomness in deterministic code.' },
    { object: 'process', property: 'env', message: 'No environment access in sandboxed code.' },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'No process access in sandboxed code.' },
    { name: 'setTimeout', message: 'Use workflow sleep()/timers, not setTimeout.' },
    { name: 'setInterval', message: 'Use workflow timers, not setInterval.' },
  ],
};

/**
 * Every Temporal client and worker encrypts payloads (design settled point 10): one without `dataConverter`
 * (config/data-converter.ts) would write personal data in clear, so lint refuses it.
 */
const needsDataConverter = 'ObjectExpression:not(:has(> Property[key.name="dataConverter"]))';
const dataConverterRule = {
  'no-restricted-syntax': [
    'error',
    ...[
      `NewExpression[callee.name="Client"] > ${needsDataConverter}`,
      `NewExpression[callee.name="WorkflowClient"] > ${needsDataConverter}`,
      `CallExpression[callee.object.name="Worker"][callee.property.name=/^(create|runReplayHistory|runReplayHistories)$/] > ${needsDataConverter}`,
      `CallExpression[callee.object.name="TestWorkflowEnvironment"][callee.property.name=/^create/] > ${needsDataConverter.replace('dataConverter', 'client')}`,
    ].map((selector) => ({
      selector,
      message:
        'Pass the product\'s data converter (config/data-converter.ts; tests: testDataConverter()): every client and worker encrypts payloads.',
    })),
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.temporal/**', 'dist/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['**/*.ts'], ignores: ['workflows/**', 'definitions/**'], rules: dataConverterRule },
  {
    // config/failure-converter.cjs: plain CommonJS, required by the SDK and bundled into the sandbox.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable', module: 'writable' } },
  },
  {
    files: ['workflows/**/*.ts', 'definitions/**/*.ts'],
    ignores: ['definitions/cli/**'],
    rules: sandboxRestrictions,
  },
);
