/**
 * lib/diff: what differs between two SchemaModels and what each difference risks. The one
 * entry point callers import from, so the files behind it can move freely.
 */
export { diffSchemas } from './schema-diff';
export { classifyTypeChange, type TypeChange } from './type-change';
export { displayIdent, isDiffedSchema, renderSchemaDdl, type RenderDdlOptions } from './render-ddl';
export type * from './types';
