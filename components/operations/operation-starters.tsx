'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { FixResult } from '@/lib/console/change-set-fixes';
import type { Refused, StartAnswer } from '@/lib/console/start-answer';
import type { CancelOutcome } from '@/lib/console/lock-wait-control';
import type { TerminatedBlocker } from '@/lib/migrate/lock-wait-control';
import type { Steered } from '@/lib/console/fleet-rollout-control';

/** What starting or steering a fleet's rollout answers: its id and state, or why nothing changed. */
export type RolloutAnswer = ({ ok: true } & Steered) | Refused;

/** What filing a protected fleet's rollout request answers: the request, and the representative its dry run ran on. */
export type RolloutRequestAnswer = { ok: true; request: { id: number; status: string }; representative: { name: string; like: number; of: number; why: string } } | Refused;

/** What fixing a change set answers: its state afterwards, or why nothing changed. */
export type FixAnswer = { ok: true; result: FixResult } | Refused;
/** What asking for a fix on a protected environment answers: the request's number. */
export type FixRequestAnswer = { ok: true; request: { id: number; status: string } } | Refused;

/**
 * How the pages start operations: the console's server actions (app/operation-actions.ts),
 * handed down by app/providers.tsx, so that components never import app/ and render the
 * same anywhere (a component test renders them on the server without Next.js).
 */
export interface OperationStarters {
  /** A dry run, an apply or a rollback (the body of POST /api/environments/{env}/operations). */
  startOperation(env: string, input: unknown): Promise<StartAnswer>;
  /** Rehearse the pending change sets on a scratch copy (the body of POST /api/environments/{env}/rehearsals). */
  startRehearsal(env: string, input: unknown): Promise<StartAnswer>;
  /** Seed, or reset and seed (the body of POST /api/environments/{env}/seed). */
  startSeed(env: string, input: unknown): Promise<StartAnswer>;
  /** Execute an approved request (the body of POST /api/requests/{id}/execute). */
  executeRequest(id: number, input: unknown): Promise<StartAnswer>;
  /** Resolve, skip or unskip a change set (the bodies of POST /api/environments/{env}/changesets/{tag}/…). */
  resolveChangeSet(env: string, tag: string, input: unknown): Promise<FixAnswer>;
  skipChangeSet(env: string, tag: string, input: unknown): Promise<FixAnswer>;
  unskipChangeSet(env: string, tag: string, input: unknown): Promise<FixAnswer>;
  /** Ask for a fix on a protected environment (POST /api/environments/{env}/requests with its kind). */
  requestFix(env: string, input: unknown): Promise<FixRequestAnswer>;
  /** Restore a backup, or dry-run it (the body of POST /api/environments/{env}/backups/{backup}/restore). */
  restoreBackup(env: string, backup: string, input: unknown): Promise<StartAnswer>;
  /** Cancel a run waiting for a lock (POST /api/operations/{id}/cancel). */
  cancelOperation(id: number): Promise<{ ok: true; outcome: CancelOutcome } | Refused>;
  /** Terminate the session blocking it, its pid typed back (POST /api/operations/{id}/terminate-blocker). */
  terminateBlocker(id: number, input: unknown): Promise<{ ok: true; terminated: TerminatedBlocker } | Refused>;
  /** Start a fleet's rollout (the body of POST /api/fleets/{name}/rollouts). */
  startRollout(fleet: string, input: unknown): Promise<RolloutAnswer>;
  /** Pause, resume or retry the failed targets of one (POST /api/fleets/{name}/rollouts/{id}/…). */
  pauseRollout(fleet: string, id: number): Promise<RolloutAnswer>;
  resumeRollout(fleet: string, id: number): Promise<RolloutAnswer>;
  retryFailedRollout(fleet: string, id: number): Promise<RolloutAnswer>;
  /** File a protected fleet's rollout for approval (POST /api/fleets/{name}/rollout-requests). */
  requestRollout(fleet: string, input: unknown): Promise<RolloutRequestAnswer>;
  /** Start an approved rollout request (POST /api/fleets/{name}/rollout-requests/{id}/execute). */
  executeRolloutRequest(fleet: string, id: number, input: unknown): Promise<RolloutAnswer>;
}

const unavailable = async (): Promise<Refused> => ({ ok: false, status: 503, code: 'UNAVAILABLE', message: 'This page cannot start operations.' });

const StartersContext = createContext<OperationStarters>({
  startOperation: unavailable,
  startRehearsal: unavailable,
  startSeed: unavailable,
  executeRequest: unavailable,
  resolveChangeSet: unavailable,
  skipChangeSet: unavailable,
  unskipChangeSet: unavailable,
  requestFix: unavailable,
  restoreBackup: unavailable,
  cancelOperation: unavailable,
  terminateBlocker: unavailable,
  startRollout: unavailable,
  pauseRollout: unavailable,
  resumeRollout: unavailable,
  retryFailedRollout: unavailable,
  requestRollout: unavailable,
  executeRolloutRequest: unavailable,
});

export function OperationStartersProvider({ starters, children }: { starters: OperationStarters; children: ReactNode }) {
  return <StartersContext.Provider value={starters}>{children}</StartersContext.Provider>;
}

export const useOperationStarters = (): OperationStarters => useContext(StartersContext);
