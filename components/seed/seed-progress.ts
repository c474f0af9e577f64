import type { ProgressEvent } from '@/lib/migrate/run-context';

export interface SeedProgress {
  percent: number;
  /** Tables finished so far, in order, with the rows written. */
  tables: Array<{ table: string; rows: number }>;
  total: number;
  phase: string | null;
}

/** Folds a seed's progress events into what the progress display shows. */
export function summarizeSeed(events: readonly ProgressEvent[]): SeedProgress {
  const tables: SeedProgress['tables'] = [];
  let total = 0;
  let phase: string | null = null;
  for (const event of events) {
    if (event.type === 'phase') phase = event.label;
    if (event.type === 'seed-table') {
      tables.push({ table: event.table, rows: event.rows });
      total = event.total;
      phase = null;
    }
  }
  return { percent: total ? Math.round((tables.length / total) * 100) : 0, tables, total, phase };
}
