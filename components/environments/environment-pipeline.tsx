import type { EnvironmentHealth } from '@/lib/health/environment-health';
import { EnvironmentCard } from './environment-card';
import { toEnvironmentView } from './environment-display';

/**
 * The environments in pipeline order (as configured): left to right on wide screens, with
 * an arrow between neighbours, top to bottom on narrow ones.
 */
export function EnvironmentPipeline({ environments, now }: { environments: EnvironmentHealth[]; now: Date }) {
  if (environments.length === 0) {
    return <p className="rounded-xl border border-dashed border-zinc-300 p-8 text-center text-sm text-zinc-600">No environments are configured.</p>;
  }
  return (
    <ol aria-label="Environments in pipeline order" className="grid grid-cols-1 gap-6 md:grid-cols-2 xl:grid-cols-3">
      {environments.map((health, i) => (
        <li key={health.name} className="relative">
          <EnvironmentCard view={toEnvironmentView(health, now)} />
          {i < environments.length - 1 && <PromotionArrow />}
        </li>
      ))}
    </ol>
  );
}

/** Drawn in the gap to the next card, only where cards sit side by side in one row. */
function PromotionArrow() {
  return (
    <span
      aria-hidden="true"
      className="absolute top-1/2 -right-[22px] z-10 hidden size-5 -translate-y-1/2 items-center justify-center rounded-full border border-zinc-200 bg-white text-zinc-400 shadow-sm xl:flex [li:nth-child(3n)>&]:hidden"
    >
      <svg viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="2" className="size-3">
        <path d="M6 3l5 5-5 5" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </span>
  );
}
