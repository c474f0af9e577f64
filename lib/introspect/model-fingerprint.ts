import { createHash } from 'node:crypto';
import type { SchemaModel } from './schema-model';

/**
 * What a schema model says, as one hash: equal for two reads of an unchanged database, so a
 * poll can be answered "not modified" (the ERD's live refresh sends it back as If-None-Match).
 * Everything counts except when it was read; row estimates and sizes count too, because the
 * ERD shows them.
 */
export function modelFingerprint(model: SchemaModel): string {
  const { introspectedAt: _when, ...what } = model;
  return createHash('sha256').update(JSON.stringify(what)).digest('base64url').slice(0, 32);
}
