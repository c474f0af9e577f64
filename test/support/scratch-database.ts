import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connect, type Sql } from '../../lib/db/client';
import { withDatabase } from '../../lib/db/connection-url';
import { quoteIdent } from '../../lib/db/identifiers';

/** A fresh, empty database on the test cluster; `drop()` removes it (forcing out sessions). */
export interface ScratchDatabase {
  name: string;
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

/** With `template`, a copy of that database (CREATE DATABASE … TEMPLATE), e.g. one with a project applied. */
export async function createScratchDatabase(prefix = 't', options: { template?: string } = {}): Promise<ScratchDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = connect(adminUrl, { max: 1 });
  try {
    await admin.unsafe(`create database ${quoteIdent(name)}${options.template ? ` template ${quoteIdent(options.template)}` : ''}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const sql = connect(url, { max: 2 });
  return {
    name,
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      const a = connect(adminUrl, { max: 1 });
      try {
        await a.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** Runs `work` on one admin connection to the test cluster (e.g. to create or drop databases), then ends it. */
export async function withTestAdmin<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = connect(inject('pgAdminUrl'), { max: 1 });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}
