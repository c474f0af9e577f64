import type { SeedSet } from '../lib/seed/types';
import { demoSeeds } from './demo';

/**
 * Seed sets by the project folder they serve (its last two path segments): `seeds/demo`
 * is written against `drizzle/demo/schema/*.ts`.
 */
export const SEED_SETS: Record<string, SeedSet> = {
  'drizzle/demo': demoSeeds,
};
