'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { hasNoChanges, schemaChanges, type SchemaChanges } from '@/lib/erd/changes';
import type { SchemaModel } from '@/lib/introspect/schema-model';
import { NO_MARKS, type ChangeMarks } from './build-flow';

/**
 * "What changed since I last looked": the model the user last acknowledged is kept per
 * environment in localStorage (`strata:erd:<env>:seen`), compared with the live one, and
 * turned into new/changed marks. A first visit acknowledges what it sees, so nothing is
 * marked until the schema actually changes.
 *
 * Only what lib/erd/changes compares is stored (table ids; column name, type, nullability,
 * default): a 2,000-table model fits in localStorage that way.
 */
interface StoredSeen {
  version: 1;
  seenAt: string;
  tables: Array<{ id: string; columns: Array<[string, string, boolean, string | null]> }>;
}

export function seenStorageKey(env: string): string {
  return `strata:erd:${env}:seen`;
}

function compact(model: SchemaModel): StoredSeen {
  return {
    version: 1,
    seenAt: new Date().toISOString(),
    tables: model.tables.map((t) => ({ id: t.id, columns: t.columns.map((c) => [c.name, c.type, c.nullable, c.default]) })),
  };
}

/** The stored form back as the part of a SchemaModel that schemaChanges reads. */
function expand(stored: StoredSeen): SchemaModel {
  return {
    tables: stored.tables.map((t) => ({ id: t.id, columns: t.columns.map(([name, type, nullable, dflt]) => ({ name, type, nullable, default: dflt })) })),
  } as unknown as SchemaModel;
}

function load(env: string): StoredSeen | null {
  try {
    const raw = window.localStorage.getItem(seenStorageKey(env));
    const parsed = raw ? (JSON.parse(raw) as StoredSeen) : null;
    return parsed && parsed.version === 1 && Array.isArray(parsed.tables) ? parsed : null;
  } catch {
    return null;
  }
}

function store(env: string, seen: StoredSeen): void {
  try {
    window.localStorage.setItem(seenStorageKey(env), JSON.stringify(seen));
  } catch {
    // storage full or blocked: the marks last for this tab only
  }
}

export interface SeenChanges {
  changes: SchemaChanges | null;
  marks: ChangeMarks;
  seenAt: string | null;
  markSeen: () => void;
}

export function useSeenChanges(env: string, model: SchemaModel | undefined): SeenChanges {
  // undefined: not read yet (server render, first client render); null: never seen.
  const [seen, setSeen] = useState<StoredSeen | null | undefined>(undefined);

  useEffect(() => {
    setSeen(load(env));
  }, [env]);

  useEffect(() => {
    if (seen === null && model) {
      const first = compact(model);
      store(env, first);
      setSeen(first);
    }
  }, [env, seen, model]);

  const tables = model?.tables;
  const changes = useMemo(() => {
    if (!seen || !tables) return null;
    const found = schemaChanges(expand(seen), { tables } as SchemaModel);
    return hasNoChanges(found) ? null : found;
  }, [seen, tables]);

  const marks = useMemo<ChangeMarks>(() => {
    if (!changes) return NO_MARKS;
    const marks: ChangeMarks = { tables: new Map(), columns: new Map() };
    for (const id of changes.addedTables) marks.tables.set(id, 'new');
    for (const [id, t] of Object.entries(changes.changedTables)) {
      marks.tables.set(id, 'changed');
      const columns: Record<string, 'new' | 'changed'> = {};
      for (const name of t.addedColumns) columns[name] = 'new';
      for (const c of t.changedColumns) columns[c.name] = 'changed';
      marks.columns.set(id, columns);
    }
    return marks;
  }, [changes]);

  const markSeen = useCallback(() => {
    if (!model) return;
    const now = compact(model);
    store(env, now);
    setSeen(now);
  }, [env, model]);

  return { changes, marks, seenAt: seen?.seenAt ?? null, markSeen };
}
