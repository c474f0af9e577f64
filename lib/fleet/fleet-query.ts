import type { TargetState } from './types';

/** How the fleet page asks for targets (validated at the door by api-schemas.ts's fleetQuerySchema). No server code here: the browser's bundle imports it. */
export const FLEET_SORTS = ['state', 'name', 'pending', 'checked'] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];

export interface FleetQuery {
  /** Only targets in this state. */
  state?: TargetState;
  /** Only targets whose name contains this text (any case; % and _ are plain characters). */
  search?: string;
  sort: FleetSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export const DEFAULT_FLEET_QUERY: FleetQuery = { sort: 'state', order: 'asc', limit: 100, offset: 0 };
