// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Workflow and definition code runs in Temporal's deterministic sandbox (and in pure unit tests). */
const sandboxImports = [
  {
    group: ['node:*'],
    message: 'Workflow/definition code must not import Node builtins (Temporal sandbox).',
  },
  {
    group: ['fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'process', 'url', 'util'],
    message: 'Workflow/definition code must not import Node builtins (Temporal sandbox).',
  },
  {
    group: ['pino', 'pino-*', 'fastify', 'fastify-*', '@fastify/*'],
    message: 'No I/O libraries in sandboxed code.',
  },
  {
    group: ['@temporalio/worker', '@temporalio/client', '@temporalio/activity'],
    message: 'Sandboxed code may import only @temporalio/workflow and @temporalio/common.',
  },
  {
    group: ['**/activities', '**/activities/**'],
    message: 'workflows/ never imports activities/: use the contracts in workflows/activity-contracts.ts.',
  },
  {
    group: ['**/api/**', '**/scripts/**', '**/config', '**/config/**'],
    message: 'Sandboxed code must not import I/O modules.',
  },
];
/** The interpreter and the definition language are pure (design settled point 2). */
const noTemporal = {
  group: ['@temporalio/*'],
  message: 'workflows/engine/ and definitions/ are pure: no @temporalio/* import (design settled point 2).',
};
const noWorkflows = {
  group: ['**/workflows', '**/workflows/**'],
  message: 'definitions/ never imports workflows/: a type both need lives in definitions/.',
};
/** The API's layers: the engine through its index; nothing imports the app back; no route file imports another. */
const engineThroughIndex = {
  group: ['**/workflows/engine/*', '!**/workflows/engine/index'],
  message:
    'api/ reaches the engine only through its index: import from workflows/engine (add the export there).',
};
const noApp = {
  group: ['**/app'],
  message: 'Only api/server.ts imports the app; shared things live in api/errors.ts, api/auth or services.',
};
const noSiblingRoutes = {
  group: ['./*', '!./index'],
  message: 'No route file imports another: move what they share to api/auth, api/schemas or api/services.',
};
const restrictImports = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const sandboxRestrictions = {
  ...restrictImports(...sandboxImports),
  'no-restricted-properties': [
    'error',
    {
      object: 'Date',
      property: 'now',
      message: 'Read time from the workflow clock or an event, never Date.now().',
    },
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
 * BPMN XML is for the edge (design.md, settled point 12): only api/ and scripts/ import definitions/bpmn, so
 * bpmn-moddle never reaches the workflow bundle or the rest of the definition language.
 */
const bpmnAtTheEdge = {
  group: ['bpmn-moddle', 'bpmn-auto-layout', 'saxen', 'moddle', 'moddle-xml', '**/bpmn', '**/bpmn/**'],
  message: 'BPMN XML (bpmn-moddle) is for the edge: only api/ and scripts/ import definitions/bpmn.',
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
        "Pass the product's data converter (config/data-converter.ts; tests: testDataConverter()): every client and worker encrypts payloads.",
    })),
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      '.temporal/**',
      '.cluster/**',
      'dist/**',
      'coverage/**',
      'bench/results/**',
    ],
  },
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
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', exports: 'writable', module: 'writable' },
    },
  },
  {
    // The web console runs in the browser: it talks to the API over HTTP and bundles no server code.
    files: ['web/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The console runs in the browser: no Node builtins.' },
            {
              group: [
                '**/api/**',
                '**/workflows/**',
                '**/activities/**',
                '**/definitions/**',
                '**/config',
                '**/config/**',
                '**/scripts/**',
              ],
              message:
                'The console imports no server code; it reads the API over HTTP (see web/src/types.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts', 'definitions/**/*.ts'],
    rules: sandboxRestrictions,
  },
  // A later entry replaces no-restricted-imports for its files, so each lists every pattern that applies there.
  { files: ['workflows/**/*.ts'], rules: restrictImports(...sandboxImports, bpmnAtTheEdge) },
  {
    files: ['workflows/engine/**/*.ts'],
    rules: restrictImports(...sandboxImports, noTemporal, bpmnAtTheEdge),
  },
  {
    files: ['definitions/**/*.ts'],
    ignores: ['definitions/bpmn/**'],
    rules: restrictImports(...sandboxImports, noTemporal, noWorkflows, bpmnAtTheEdge),
  },
  { files: ['definitions/bpmn/**/*.ts'], rules: restrictImports(...sandboxImports, noTemporal, noWorkflows) },
  { files: ['activities/**/*.ts', 'worker.ts'], rules: restrictImports(bpmnAtTheEdge) },
  { files: ['api/**/*.ts'], ignores: ['api/server.ts'], rules: restrictImports(engineThroughIndex, noApp) },
  {
    files: ['api/routes/**/*.ts'],
    ignores: ['api/routes/index.ts'],
    rules: restrictImports(engineThroughIndex, noApp, noSiblingRoutes),
  },
);
