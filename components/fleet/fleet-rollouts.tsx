import type { CSSProperties } from 'react';
import type { FleetRollouts as RolloutList } from '@/lib/console/fleets';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { formatAbsolute } from '@/components/environments/environment-display';
import { RolloutControls } from './fleet-rollout-controls';

type Rollout = RolloutList[number];
type Wave = Rollout['waves'][number];
type TargetState = 'succeeded' | 'skipped-at-head' | 'failed' | 'running' | 'waiting';

/** Segment order within a wave's bar: done first, then what is still to come. */
const TARGET_LOOK: Array<{ state: TargetState; label: string; bar: string }> = [
  { state: 'succeeded', label: 'succeeded', bar: 'bg-emerald-600' },
  { state: 'skipped-at-head', label: 'already at head', bar: 'bg-emerald-300' },
  { state: 'failed', label: 'failed', bar: 'bg-red-600' },
  { state: 'running', label: 'running', bar: 'bg-sky-500' },
  { state: 'waiting', label: 'waiting', bar: 'bg-zinc-300' },
];

const ROLLOUT_TONE: Record<Rollout['state'], BadgeTone> = { running: 'neutral', paused: 'amber', succeeded: 'green', failed: 'red' };

function waveLabel(w: Wave): string {
  const parts = TARGET_LOOK.filter((l) => w[l.state] > 0).map((l) => `${w[l.state]} ${l.label}`);
  return `Wave ${w.wave}: ${w.total} target${w.total === 1 ? '' : 's'} — ${parts.join(', ') || 'none'}`;
}

/**
 * The fleet's rollouts, read-only: the latest one's waves as a row of bars (one per wave,
 * segments per target state, counted by the server), its state, who started it, why it
 * stopped and its failed targets; older rollouts as a short list. `strata rollout` starts
 * and steers them; the page polls while one runs.
 */
export function FleetRollouts({ fleet, rollouts, canRollout = false, canRequest = false }: { fleet: string; rollouts: RolloutList; canRollout?: boolean; /** A protected fleet: the rollout is requested for approval. */ canRequest?: boolean }) {
  const [latest, ...older] = rollouts;
  return (
    <section aria-labelledby="fleet-rollouts-heading" data-testid="fleet-rollouts" className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4">
      <h2 id="fleet-rollouts-heading" className="text-sm font-semibold text-zinc-900">
        Rollouts
      </h2>
      {(canRollout || canRequest) && <RolloutControls fleet={fleet} latest={latest} request={canRequest} canSteer={canRollout} />}
      {!latest ? (
        <p className="text-sm text-zinc-600">
          No rollout yet. {canRollout ? 'Start one above, or' : 'Start one'} with <code className="font-mono text-xs">strata rollout --env &lt;fleet&gt;</code>; its waves appear here.
        </p>
      ) : (
        <>
          <LatestRollout rollout={latest} />
          {older.length > 0 && (
            <div className="flex flex-col gap-1">
              <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Earlier</h3>
              <ul className="flex flex-col divide-y divide-zinc-100 text-sm" data-testid="fleet-rollouts-older">
                {older.map((r) => (
                  <li key={r.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-1.5" data-testid={`rollout-${r.id}`}>
                    <span className="font-medium tabular-nums text-zinc-900">#{r.id}</span>
                    <Badge tone={ROLLOUT_TONE[r.state]}>{r.state}</Badge>
                    <span className="text-zinc-600">
                      {r.toTag ? `to ${r.toTag}, ` : ''}by {r.actor}, <time dateTime={r.createdAt}>{formatAbsolute(r.createdAt)}</time>
                    </span>
                    <span className="text-zinc-500">{summaryOf(r)}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function summaryOf(r: Rollout): string {
  const total = r.waves.reduce((n, w) => n + w.total, 0);
  const sum = (s: TargetState) => r.waves.reduce((n, w) => n + w[s], 0);
  const parts = TARGET_LOOK.filter((l) => sum(l.state) > 0).map((l) => `${sum(l.state)} ${l.label}`);
  return `${total} targets in ${r.waves.length} wave${r.waves.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** What the page is doing about the latest rollout: following it while targets run, and why a paused one still moves. */
function progressText(r: Rollout): string {
  const running = r.waves.reduce((n, w) => n + w.running, 0);
  if (r.state === 'running') return 'following its progress…';
  if (r.state === 'paused') return running ? `paused: ${running} running target${running === 1 ? '' : 's'} finish${running === 1 ? 'es' : ''}, no other starts…` : 'paused: no target starts until it is resumed';
  return '';
}

function LatestRollout({ rollout: r }: { rollout: Rollout }) {
  return (
    <div className="flex flex-col gap-3" data-testid="fleet-rollout-latest" data-rollout={r.id} data-state={r.state}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <span className="font-semibold tabular-nums text-zinc-900">Rollout #{r.id}</span>
        <Badge tone={ROLLOUT_TONE[r.state]}>{r.state}</Badge>
        <span className="text-zinc-600" data-testid="fleet-rollout-who">
          {r.toTag ? (
            <>
              to <span className="font-mono">{r.toTag}</span>,{' '}
            </>
          ) : (
            'to the head, '
          )}
          started by <span className="font-medium text-zinc-800">{r.actor}</span> <time dateTime={r.createdAt}>{formatAbsolute(r.createdAt)}</time>
          {r.finishedAt && (
            <>
              , ended <time dateTime={r.finishedAt}>{formatAbsolute(r.finishedAt)}</time>
            </>
          )}
        </span>
        <span role="status" aria-live="polite" className="text-zinc-500" data-testid="fleet-rollout-progress">
          {progressText(r)}
        </span>
      </div>
      {/* One wave per row on a phone; side by side (up to 6 a row) from sm up. */}
      <ol
        aria-label={`Waves of rollout ${r.id}`}
        className="grid grid-cols-1 gap-3 sm:[grid-template-columns:var(--wave-columns)]"
        style={{ '--wave-columns': `repeat(${Math.min(r.waves.length, 6)}, minmax(0, 1fr))` } as CSSProperties}
      >
        {r.waves.map((w) => (
          <li key={w.wave} className="flex min-w-0 flex-col gap-1" data-testid="rollout-wave">
            <div className="flex items-baseline justify-between gap-2 text-xs">
              <span className="font-medium text-zinc-800">Wave {w.wave}</span>
              <span className="tabular-nums text-zinc-600">
                {w.total - w.waiting - w.running} / {w.total} done
              </span>
            </div>
            <div role="img" tabIndex={0} aria-label={waveLabel(w)} title={waveLabel(w)} data-testid={`rollout-wave-${w.wave}`} className="flex h-3 w-full overflow-hidden rounded-full bg-zinc-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600">
              {TARGET_LOOK.filter((l) => w[l.state] > 0).map((l) => (
                <span key={l.state} className={`h-full ${l.bar}`} style={{ width: `${(100 * w[l.state]) / w.total}%` }} />
              ))}
            </div>
            <p className="text-xs text-zinc-600">{TARGET_LOOK.filter((l) => w[l.state] > 0).map((l) => `${w[l.state]} ${l.label}`).join(' · ')}</p>
          </li>
        ))}
      </ol>
      {r.error && (
        <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="fleet-rollout-error">
          {r.error}
        </p>
      )}
      {r.failedCount > 0 && (
        <div className="flex flex-col gap-1">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">
            Failed targets ({r.failedCount}
            {r.failedCount > r.failedTargets.length ? `, the first ${r.failedTargets.length} shown` : ''})
          </h3>
          <ul className="flex flex-col gap-1 text-sm" data-testid="fleet-rollout-failed">
            {r.failedTargets.map((t) => (
              <li key={t.name} className="min-w-0">
                <span className="font-mono font-medium text-zinc-900">{t.name}</span> <span className="text-zinc-500">(wave {t.wave})</span>
                {t.error && <span className="block break-words text-xs text-red-800">{t.error}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ul className="flex flex-wrap gap-3 text-xs text-zinc-600" aria-hidden="true">
        {TARGET_LOOK.map((l) => (
          <li key={l.state} className="inline-flex items-center gap-1.5">
            <span className={`size-2 rounded-full ${l.bar}`} />
            {l.label}
          </li>
        ))}
      </ul>
    </div>
  );
}
