'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { StartAnswer } from '@/lib/console/start-answer';

/**
 * How the pages start operations: the console's server actions (app/operation-actions.ts),
 * handed down by app/providers.tsx, so that components never import app/ and render the
 * same anywhere (a component test renders them on the server without Next.js).
 */
export interface OperationStarters {
  /** A dry run, an apply or a rollback (the body of POST /api/environments/{env}/operations). */
  startOperation(env: string, input: unknown): Promise<StartAnswer>;
  /** Seed, or reset and seed (the body of POST /api/environments/{env}/seed). */
  startSeed(env: string, input: unknown): Promise<StartAnswer>;
  /** Execute an approved request (the body of POST /api/requests/{id}/execute). */
  executeRequest(id: number, input: unknown): Promise<StartAnswer>;
  /** Restore a backup, or dry-run it (the body of POST /api/environments/{env}/backups/{backup}/restore). */
  restoreBackup(env: string, backup: string, input: unknown): Promise<StartAnswer>;
}

const unavailable = async (): Promise<StartAnswer> => ({ ok: false, status: 503, code: 'UNAVAILABLE', message: 'This page cannot start operations.' });

const StartersContext = createContext<OperationStarters>({ startOperation: unavailable, startSeed: unavailable, executeRequest: unavailable, restoreBackup: unavailable });

export function OperationStartersProvider({ starters, children }: { starters: OperationStarters; children: ReactNode }) {
  return <StartersContext.Provider value={starters}>{children}</StartersContext.Provider>;
}

export const useOperationStarters = (): OperationStarters => useContext(StartersContext);
