import { Writable } from 'node:stream';
import { createLogger } from '../../lib/observability/logger';
import type { RunContext } from '../../lib/migrate/run-context';

/** A RunContext whose log lines are kept in memory, so tests can assert on them. */
export function testContext(url: string, overrides: Partial<RunContext> = {}): RunContext & { logLines: Array<Record<string, unknown>> } {
  const logLines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  return { url, environment: 'test', actor: 'tester', logger: createLogger(sink), logLines, ...overrides };
}
