import { describe, expect, inject, it } from 'vitest';
import { connect } from '../db/client';
import { drainCopyOut } from './copy-data';

describe('drainCopyOut', () => {
  it('leaves the connection usable after a COPY that arrived before anyone read it (porsager/postgres#499)', async () => {
    const sql = connect(inject('pgAdminUrl'), { max: 1 });
    const conn = await sql.reserve();
    try {
      let bytes = 0;
      for (let i = 0; i < 20; i++) {
        const readable = await conn.unsafe(`copy (select g, md5(g::text) from generate_series(1, 1500) g) to stdout`).readable();
        // The whole output (about 50 kB, more than the readable's buffer) arrives while nobody reads.
        await new Promise((resolve) => setTimeout(resolve, 30));
        await drainCopyOut(readable, (chunk) => void (bytes += chunk.length));
        // A hang is the failure: with the socket left paused this query never answers.
        const next = await Promise.race([conn`select ${i}::int as i`.then((r) => Number(r[0]!.i)), new Promise((resolve) => setTimeout(() => resolve('no answer after 5 s'), 5000))]);
        expect(next).toBe(i);
      }
      expect(bytes).toBe(20 * [...Array(1500).keys()].reduce((sum, k) => sum + String(k + 1).length + 1 + 32 + 1, 0));
    } finally {
      conn.release();
      await sql.end({ timeout: 1 });
    }
  });
});
