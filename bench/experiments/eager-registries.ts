/**
 * Experiment entry for bench/replay-cost.ts: the layout before the registries were loaded lazily — the definition and
 * department registry workflows imported statically beside the petition workflow, so every petition instance
 * evaluated their modules (zod schemas, the definition validator) too.
 */
export * from '../../workflows/ping';
export { petition } from '../../workflows/petition';
export { definitionRegistry } from '../../workflows/registry';
export { departmentRegistry } from '../../workflows/department-registry';
