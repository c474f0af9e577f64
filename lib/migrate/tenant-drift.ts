import type { SchemaModel } from '../introspect/schema-model';

/*
 * Drift of a tenant schema (target-place.ts) against the project's expected schema. The
 * expected schema is the one every other target uses — the applied change sets replayed once
 * on a shadow database, where their unqualified names land in the placeholder schema `public`
 * — and it is cached by its applied set as always, so 200 tenants at the same version cost one
 * replay and 200 introspections. Each tenant is introspected alone (introspect's onlySchema)
 * and its schema's name is mapped to the placeholder, so the two models compare name for name
 * and drift in one tenant is never reported for another.
 */

/** Where the shadow replay of a tenant project leaves its objects: the first schema of its default search_path. */
export const PLACEHOLDER_SCHEMA = 'public';

/** The part of the expected (shadow) model a tenant is compared with: the placeholder schema alone. */
export function expectedTenantModel(expected: SchemaModel): SchemaModel {
  return onlySchema(expected, PLACEHOLDER_SCHEMA);
}

/** A tenant's live model (introspected with onlySchema) with its schema named as the placeholder. */
export function liveTenantModel(live: SchemaModel, tenant: string): SchemaModel {
  return renameSchema(onlySchema(live, tenant), tenant, PLACEHOLDER_SCHEMA);
}

/**
 * The model reduced to one schema. The schema's own entry is neutral (no comment, no owner):
 * the tenant schema was made by whoever made the tenant and the placeholder by the shadow's
 * server (public's comment), not by the project, so neither is drift.
 */
function onlySchema(model: SchemaModel, schema: string): SchemaModel {
  return {
    ...model,
    schemas: model.schemas.filter((s) => s.name === schema).map((s) => ({ ...s, comment: null, owner: '' })),
    tables: model.tables.filter((t) => t.schema === schema),
    views: model.views.filter((v) => v.schema === schema),
    enums: model.enums.filter((e) => e.schema === schema),
    extensions: model.extensions.filter((e) => e.schema === schema),
    inaccessibleSchemas: model.inaccessibleSchemas.filter((s) => s === schema),
  };
}

/**
 * Every mention of schema `from` in the model, as `to`: the `schema` fields, ids (`schema.name`,
 * unquoted), and the schema-qualified names PostgreSQL prints inside types, defaults, index,
 * constraint and view definitions (quoted as quote_ident would, when the name needs it).
 */
export function renameSchema(model: SchemaModel, from: string, to: string): SchemaModel {
  const idPrefix = `${from}.`;
  const printed = new RegExp(`(^|[^A-Za-z0-9_$"])${escapeRegExp(quoteIdent(from))}\\.`, 'g');
  const text = (value: string) => {
    const asId = value.startsWith(idPrefix) ? `${to}.${value.slice(idPrefix.length)}` : value;
    return asId.replace(printed, (_m, before: string) => `${before}${quoteIdent(to)}.`);
  };
  const walk = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return key === 'schema' ? (value === from ? to : value) : text(value);
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  const renamed = walk({ tables: model.tables, views: model.views, enums: model.enums, extensions: model.extensions }) as Pick<SchemaModel, 'tables' | 'views' | 'enums' | 'extensions'>;
  const schemas = model.schemas.map((s) => (s.name === from ? { ...s, name: to } : s));
  return { ...model, ...renamed, schemas, inaccessibleSchemas: model.inaccessibleSchemas.map((s) => (s === from ? to : s)) };
}

/** The name as PostgreSQL prints it (quote_ident): bare when it is a plain lower-case identifier, else double-quoted. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
