/**
 * The workflows a worker runs. Every workflow instance evaluates the modules this entry imports (the SDK's reusable
 * V8 context gives each its own module instances, except the modules preloaded once: config/workflow-bundle.ts), so
 * the petition workflow — thousands of instances — imports only what it needs, and the two registry workflows and the
 * drafts store — one instance each, with zod schemas and the definition validator — and migration batches are loaded
 * when one of them runs.
 */
import type * as DefinitionRegistry from './registry';
import type * as DepartmentRegistry from './department-registry';
import type * as DefinitionDrafts from './definition-drafts';
import type * as DefinitionMigration from './definition-migration';

export * from './ping';
export { petition } from './petition';

export async function definitionRegistry(
  ...args: Parameters<typeof DefinitionRegistry.definitionRegistry>
): ReturnType<typeof DefinitionRegistry.definitionRegistry> {
  // "eager": bundled into the same chunk (no chunk loading in the sandbox), evaluated on first use only.
  const registry = await import(/* webpackMode: "eager" */ './registry');
  return registry.definitionRegistry(...args);
}

export async function departmentRegistry(
  ...args: Parameters<typeof DepartmentRegistry.departmentRegistry>
): ReturnType<typeof DepartmentRegistry.departmentRegistry> {
  const registry = await import(/* webpackMode: "eager" */ './department-registry');
  return registry.departmentRegistry(...args);
}

export async function definitionDrafts(
  ...args: Parameters<typeof DefinitionDrafts.definitionDrafts>
): ReturnType<typeof DefinitionDrafts.definitionDrafts> {
  const drafts = await import(/* webpackMode: "eager" */ './definition-drafts');
  return drafts.definitionDrafts(...args);
}

/** A definition migration batch (one per migration): rare, so loaded when one runs, like the registries. */
export async function definitionMigration(
  ...args: Parameters<typeof DefinitionMigration.definitionMigration>
): ReturnType<typeof DefinitionMigration.definitionMigration> {
  const batch = await import(/* webpackMode: "eager" */ './definition-migration');
  return batch.definitionMigration(...args);
}
