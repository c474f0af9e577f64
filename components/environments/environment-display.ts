import { safeMessage } from '@/lib/db/safe-message';
import type { EnvironmentHealth } from '@/lib/health/environment-health';

/**
 * Pure transforms from an EnvironmentHealth to the strings and tones the environment card
 * shows. No I/O, no clock reads: `now` is passed in, so the same input always renders the
 * same card (and the functions are trivial to unit-test).
 */

export type Tone = 'neutral' | 'green' | 'amber' | 'red' | 'violet';
export type Protection = EnvironmentHealth['protection'];

export interface ProtectionInfo {
  label: string;
  description: string;
  tone: Tone;
}

export const PROTECTION_INFO: Record<Protection, ProtectionInfo> = {
  open: { label: 'open', description: 'Seed and reset allowed', tone: 'green' },
  guarded: { label: 'guarded', description: 'One-click actions with confirmation', tone: 'amber' },
  protected: { label: 'protected', description: 'Two-person approval; no seed or reset', tone: 'violet' },
};

export interface Counter {
  label: string;
  value: number;
  tone: Tone;
  hint: string;
}

export interface EnvironmentView {
  name: string;
  protection: ProtectionInfo;
  reachable: boolean;
  /** Why the environment could not be read, with any connection string removed. */
  error: string | null;
  version: {
    /** The tag of the last applied change set, or a placeholder. */
    tag: string;
    applied: boolean;
    /** "15 of 18 change sets", or null when unknown. */
    position: string | null;
  };
  progress: { applied: number; total: number; percent: number; label: string } | null;
  lastMigration: { iso: string; absolute: string; relative: string } | null;
  counters: Counter[];
  checkedAt: { iso: string; absolute: string };
}

/** Turns one environment's health into what its card displays. */
export function toEnvironmentView(health: EnvironmentHealth, now: Date): EnvironmentView {
  const total = health.totalChangeSets;
  const position = health.schemaVersionIndex !== null ? health.schemaVersionIndex + 1 : null;
  // Applied (edited-after-apply included) is whatever is not pending, out of order, failed or interrupted.
  const applied = health.applied;
  return {
    name: health.name,
    protection: PROTECTION_INFO[health.protection],
    reachable: health.reachable,
    // Already safe when the server built it; checked again because this is what the card prints.
    error: health.reachable ? null : safeMessage(health.error ?? 'The environment did not answer.'),
    version: {
      tag: health.reachable ? (health.schemaVersion ?? 'No change set applied') : 'Unknown',
      applied: health.reachable && health.schemaVersion !== null,
      position: health.reachable ? positionText(health.schemaVersion, position, total) : null,
    },
    progress: health.reachable
      ? { applied, total, percent: total > 0 ? Math.round((applied / total) * 100) : 0, label: `${applied} of ${total} change sets applied` }
      : null,
    lastMigration: health.lastMigrationAt
      ? { iso: health.lastMigrationAt, absolute: formatAbsolute(health.lastMigrationAt), relative: formatRelative(health.lastMigrationAt, now) }
      : null,
    counters: health.reachable ? counters(health) : [],
    checkedAt: { iso: health.checkedAt, absolute: formatAbsolute(health.checkedAt) },
  };
}

function positionText(tag: string | null, position: number | null, total: number): string {
  if (tag !== null && position === null) return `not in this project's journal of ${plural(total, 'change set')}`;
  return `${position ?? 0} of ${plural(total, 'change set')}`;
}

function counters(health: EnvironmentHealth): Counter[] {
  const list: Counter[] = [
    {
      label: 'Pending',
      value: health.pending,
      tone: health.pending > 0 ? 'amber' : 'neutral',
      hint: 'Change sets in the journal not yet applied here',
    },
    {
      label: 'Failed',
      value: health.failed,
      tone: health.failed > 0 ? 'red' : 'neutral',
      hint: 'Change sets that failed and must be resolved before anything else applies',
    },
  ];
  if (health.interrupted > 0) {
    list.push({
      label: 'Interrupted',
      value: health.interrupted,
      tone: 'red',
      hint: 'Change sets run without a transaction that have no outcome: running now, or stopped half-way; resolve before anything else applies',
    });
  }
  if (health.outOfOrder > 0) {
    list.push({
      label: 'Out of order',
      value: health.outOfOrder,
      tone: 'amber',
      hint: 'Unapplied change sets that sit before ones already applied (merged late?)',
    });
  }
  if (health.checksumMismatch > 0) {
    list.push({
      label: 'Edited after apply',
      value: health.checksumMismatch,
      tone: 'red',
      hint: 'Applied change sets whose file has changed since; further work is blocked until resolved',
    });
  }
  return list;
}

/** "2026-11-22 06:01 UTC": unambiguous, the same on every server and browser. */
export function formatAbsolute(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago" (never in the future). */
export function formatRelative(iso: string, now: Date): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '';
  const seconds = Math.max(0, Math.round((now.getTime() - then) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${plural(minutes, 'minute')} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${plural(hours, 'hour')} ago`;
  const days = Math.round(hours / 24);
  if (days < 60) return `${plural(days, 'day')} ago`;
  const months = Math.round(days / 30);
  if (months < 24) return `${plural(months, 'month')} ago`;
  return `${plural(Math.round(days / 365), 'year')} ago`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
