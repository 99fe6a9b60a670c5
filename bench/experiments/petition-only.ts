/**
 * Experiment entry for bench/replay-cost.ts: the petition workflow bundled WITHOUT the definition and department
 * registry workflows that workflows/index.ts also exports. Every petition instance evaluates every module of its
 * bundle's entry (the SDK's reusable V8 context gives each workflow its own module instances), so this measures
 * what those registries' imports (zod schemas, the definition validator) cost each petition.
 */
export { petition } from '../../workflows/petition';
