'use client';

import { useState } from 'react';

/** The text field style both rollout dialogs (start, request) use. */
export const ROLLOUT_FIELD = 'rounded-md border border-zinc-300 px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-blue-600';

export interface RolloutOptionsState {
  waves: string;
  setWaves: (value: string) => void;
  to: string;
  setTo: (value: string) => void;
  concurrency: string;
  setConcurrency: (value: string) => void;
  maxFailures: string;
  setMaxFailures: (value: string) => void;
}

/** The rollout options a start or a request sends, with the dialog's defaults. */
export function useRolloutOptions(): RolloutOptionsState {
  const [waves, setWaves] = useState('1,10%,100%');
  const [to, setTo] = useState('');
  const [concurrency, setConcurrency] = useState('4');
  const [maxFailures, setMaxFailures] = useState('0');
  return { waves, setWaves, to, setTo, concurrency, setConcurrency, maxFailures, setMaxFailures };
}

/**
 * The options as the doors take them (the server validates them again): waves trimmed, `to`
 * only when given, numbers as numbers.
 */
export function rolloutOptionsInput(options: RolloutOptionsState) {
  return {
    waves: options.waves.trim(),
    ...(options.to.trim() ? { to: options.to.trim() } : {}),
    concurrency: Number(options.concurrency),
    maxFailures: Number(options.maxFailures),
  };
}

/**
 * Waves / up to / concurrency / max failures: the same four fields (and test ids) whether a
 * rollout is started or, on a protected fleet, requested for approval.
 */
export function RolloutOptionsFields({ options, wavesHintId }: { options: RolloutOptionsState; /** Shows the cumulative-waves hint under Waves, with this id. */ wavesHintId?: string }) {
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
      <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
        Waves
        <input className={`${ROLLOUT_FIELD} font-mono`} value={options.waves} onChange={(e) => options.setWaves(e.target.value)} aria-describedby={wavesHintId} data-testid="rollout-waves" />
        {wavesHintId && (
          <span id={wavesHintId} className="text-xs font-normal text-zinc-500">
            cumulative: 1 target, then 10%, then all
          </span>
        )}
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
        Up to change set (optional)
        <input className={`${ROLLOUT_FIELD} font-mono`} value={options.to} onChange={(e) => options.setTo(e.target.value)} placeholder="the head" data-testid="rollout-to" />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
        Concurrency
        <input className={ROLLOUT_FIELD} type="number" min={1} max={64} value={options.concurrency} onChange={(e) => options.setConcurrency(e.target.value)} data-testid="rollout-concurrency" />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
        Max failures
        <input className={ROLLOUT_FIELD} type="number" min={0} value={options.maxFailures} onChange={(e) => options.setMaxFailures(e.target.value)} data-testid="rollout-max-failures" />
      </label>
    </div>
  );
}
