import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A reviewed plan as the console sends it with a run: each change set's tag and the sha256
 * of the file that runs (forward to apply, rollback to roll back), read from the demo
 * project the e2e server manages.
 */
export function reviewedPlan(tags: string[], direction: 'apply' | 'rollback'): Array<{ tag: string; checksum: string }> {
  return tags.map((tag) => {
    const file = path.resolve('drizzle/demo', direction === 'apply' ? 'migrations' : 'rollback', `${tag}.sql`);
    return { tag, checksum: createHash('sha256').update(fs.readFileSync(file, 'utf8')).digest('hex') };
  });
}

/** The last line of an operation's NDJSON stream: its result or its error. */
export async function lastLine(response: { text(): Promise<string> }): Promise<{ type: string; code?: string; message?: string; result?: any }> {
  return JSON.parse((await response.text()).trim().split('\n').at(-1)!);
}
