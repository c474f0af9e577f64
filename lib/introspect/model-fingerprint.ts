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

// A model read by Strata is never changed afterwards (readSchema hands the same object to every
// request while the schema is unchanged): its fingerprint, a hash of megabytes of JSON at
// 2,000 tables, is worked out once per model object.
const fingerprints = new WeakMap<SchemaModel, string>();

/** modelFingerprint, remembered per model object. */
export function fingerprintOf(model: SchemaModel): string {
  let fingerprint = fingerprints.get(model);
  if (fingerprint === undefined) {
    fingerprint = modelFingerprint(model);
    fingerprints.set(model, fingerprint);
  }
  return fingerprint;
}
