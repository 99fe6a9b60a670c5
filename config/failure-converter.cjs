/**
 * The failure converter of every client and worker, and of the workflow sandbox (bundled through
 * `failureConverterPath`, config/data-converter.ts): failure messages and stack traces move into an encoded payload,
 * which the payload codec encrypts like any other. A refusal can quote what a person typed, so it is treated like the
 * input it refuses. Messages read in clear only after decoding (the API, the Web UI through the codec server).
 *
 * Plain CommonJS on purpose: the SDK `require()`s this path in the worker's and client's own process (where no
 * TypeScript loader may be active, e.g. under vitest) and webpack bundles it into the workflow sandbox.
 */
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
