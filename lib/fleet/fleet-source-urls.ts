import type { Fleet } from '../config/types';

/**
 * The URLs a fleet's configuration holds — its list, or the one server it discovers databases
 * or tenant schemas on. They are secrets like any environment's URL: every message is cleaned
 * of them (lib/db/safe-message.ts), and the embedded server serves those that point at it.
 */
export function fleetSourceUrls(fleet: Pick<Fleet, 'source'>): string[] {
  const source = fleet.source;
  if (source.kind === 'urls') return source.urls;
  return [source.kind === 'schemas' ? source.url : source.serverUrl];
}
