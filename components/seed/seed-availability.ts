import type { Protection } from '@/lib/config/environments';

/**
 * Whether the signed-in person may seed (and reset) tables of one environment, decided on
 * the server by lib's guard and the project's seed set, so a table's Seed button is enabled
 * exactly where the server would accept it — and says why where it would not.
 */
export interface SeedAvailability {
  protection: Protection;
  canSeed: boolean;
  canReset: boolean;
  /** Why seeding is refused here (role or protection level), in the guard's words; null when allowed. */
  reason: string | null;
  /** The seed set's name and the tables it has rows for; null when the project declares none (or it cannot be loaded). */
  seedSet: { name: string; tables: string[] } | null;
}

/** Why `table` cannot be seeded here, or null when it can. */
export function tableSeedRefusal(availability: SeedAvailability, table: string): string | null {
  if (availability.reason) return availability.reason;
  if (!availability.seedSet) return 'This project declares no seed set.';
  if (!availability.seedSet.tables.includes(table)) return `The ${availability.seedSet.name} seed set has no seed data for ${table}.`;
  return null;
}
