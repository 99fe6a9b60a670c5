export * from './ping';
export { petition } from './petition';
export { definitionRegistry } from './registry';
export { departmentRegistry } from './department-registry';
