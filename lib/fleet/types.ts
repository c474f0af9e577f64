/*
 * Fleets (the configuration's Fleet and FleetSource live in config/types.ts, beside Environment):
 * each target is migrated exactly as a single environment is (its own runner lock, history,
 * checksums, backups and checks); the fleet adds where the targets come from, the rollout in
 * waves, and an overview of all of them.
 */
export type { Fleet, FleetSource } from '../config/types';

/** One database of a fleet. Its URL is a secret like an environment's: it never leaves the server. */
export interface FleetTarget {
  fleet: string;
  /** Unique within the fleet, safe to show: the database name, or host:port/database when names repeat. */
  name: string;
  url: string;
  /** A `schemas` fleet's target: the tenant schema (its name is the target's name); unset: the whole database. */
  schema?: string;
}

/** Where one target stands against the project, as read from its own history. */
export type TargetState = 'at-head' | 'pending' | 'failed' | 'out-of-order' | 'drifted' | 'unreachable';
