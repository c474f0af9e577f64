import 'server-only';
import { authorize } from '@/lib/auth/guard';
import type { Principal } from '@/lib/auth/types';
import type { OperationTarget } from '@/lib/console/environment-operations';
import { seedSetFor } from '@/lib/seed/run-seed';
import type { SeedAvailability } from '@/components/seed/seed-availability';

/** What the table page and the ERD's table panel need to show (or explain) their Seed buttons. */
export async function seedAvailability(principal: Principal, target: OperationTarget): Promise<SeedAvailability> {
  const where = { protection: target.environment.protection, environment: target.environment.name };
  let reason: string | null = null;
  try {
    authorize(principal, 'seed', where);
  } catch (error) {
    reason = error instanceof Error ? `${error.message}.` : 'Seeding is not allowed here.';
  }
  let canReset = reason === null;
  try {
    authorize(principal, 'reset', where);
  } catch {
    canReset = false;
  }
  // A project without a seed set (or whose config fails to load) has nothing to seed; the Retention page names config problems.
  const set = await seedSetFor(target.project).catch(() => null);
  return {
    protection: target.environment.protection,
    canSeed: reason === null,
    canReset,
    reason,
    seedSet: set ? { name: set.name, tables: [...new Set(set.steps.map((s) => s.table))] } : null,
  };
}
