/**
 * The demo seed's fixed "now". Every timestamp the seeds write is counted from here, never
 * from the clock, so a rerun writes byte-for-byte the same rows and reruns on different
 * days agree. Ages that retention cares about (soft-deleted uploads past their 90-day
 * grace, audit events past two years, ledgers past seven) are relative to this date too.
 */
export const SEED_NOW = new Date('2026-11-15T00:00:00.000Z');

/** The usage window: 30 days of events ending at SEED_NOW (spans the 2026-10 and 2026-11 partitions). */
export const USAGE_DAYS = 30;

/** `--scale` events are spread from here to SEED_NOW (the monthly partitions 2026-01 … 2026-11). */
export const SCALE_FROM = new Date('2026-01-01T00:00:00.000Z');

/** Seeds are written by this actor (created_by / updated_by columns). */
export const SEED_ACTOR = 'seed:demo';

/** SEED_NOW minus `days` (plus optional hours and minutes). */
export function daysAgo(days: number, hours = 0, minutes = 0): Date {
  return new Date(SEED_NOW.getTime() - days * 86_400_000 + hours * 3_600_000 + minutes * 60_000);
}

/** A UTC date-time literal as a Date, e.g. utc('2026-03-04 09:15'). */
export function utc(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}${text.length <= 10 ? 'T00:00' : ''}:00.000Z`);
}
