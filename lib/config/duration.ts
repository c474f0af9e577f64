import { StrataError } from '../errors';

/** "5s", "500ms", "2min" or a bare number of milliseconds, as flags and environment variables give durations; `what` names the source in the error. */
export function durationMs(value: string, what: string): number {
  const match = /^(\d+)(ms|s|min)?$/.exec(value.trim());
  if (!match) throw new StrataError('BAD_USAGE', `${what} takes a duration like 500ms, 5s or 2min (got "${value}")`);
  const n = Number(match[1]);
  return match[2] === 's' ? n * 1000 : match[2] === 'min' ? n * 60_000 : n;
}
