import { catalogStamp } from './catalog-stamp';
import { introspect, withIntrospectionConnection } from './introspect';
import type { SchemaModel } from './schema-model';

/**
 * How old a kept model may get before it is read again although its stamp is unchanged:
 * sizes grow with every insert without any catalog change (see catalog-stamp.ts), so they
 * are at most this stale. At the ERD's 10 s poll, five polls in six skip introspection.
 */
export const MODEL_MAX_AGE_MS = 60_000;

interface Kept {
  url: string;
  stamp: string;
  model: SchemaModel;
  readAt: number;
}

/**
 * Reads databases' schema models, keeping the last one per key (an environment name) with
 * its catalog stamp: each read costs one connection and the stamp query, and introspects
 * only when the stamp changed (or the model is MODEL_MAX_AGE_MS old). An unchanged schema
 * gets the very same model object back. Concurrent reads of one key share one read.
 *
 * The stamp is taken before the introspection, outside its snapshot: DDL committing in
 * between leaves a model newer than its stamp, so the next read sees another stamp and
 * reads again — never an old model kept under a new stamp.
 */
export class StampedSchemaReader {
  /** Introspections done (not stamp checks): lets tests and benches see the work skipped. */
  introspections = 0;
  private readonly kept = new Map<string, Kept>();
  private readonly inFlight = new Map<string, Promise<SchemaModel>>();

  constructor(private readonly options: { maxAgeMs?: number; now?: () => number } = {}) {}

  /** `onlySchema`: one schema of the database alone (a schema-per-tenant fleet's tenant, lib/migrate/target-place.ts). */
  read(key: string, url: string, options: { onlySchema?: string } = {}): Promise<SchemaModel> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.readNow(key, url, options.onlySchema).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Forgets a key's model (the next read introspects). */
  forget(key: string): void {
    this.kept.delete(key);
  }

  private async readNow(key: string, url: string, onlySchema: string | undefined): Promise<SchemaModel> {
    const now = this.options.now ?? Date.now;
    const maxAge = this.options.maxAgeMs ?? MODEL_MAX_AGE_MS;
    return withIntrospectionConnection(url, async (sql) => {
      const stamp = await catalogStamp(sql);
      const kept = this.kept.get(key);
      if (kept && kept.url === url && kept.stamp === stamp && now() - kept.readAt < maxAge) return kept.model;
      const readAt = now();
      this.introspections++;
      const model = await introspect(sql, onlySchema === undefined ? {} : { onlySchema });
      this.kept.set(key, { url, stamp, model, readAt });
      return model;
    });
  }
}
