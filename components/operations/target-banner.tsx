import type { Protection } from '@/lib/config/environments';

const STYLE: Record<Protection, string> = {
  open: 'border-emerald-300 bg-emerald-50 text-emerald-950',
  guarded: 'border-amber-300 bg-amber-50 text-amber-950',
  protected: 'border-red-300 bg-red-50 text-red-950',
};

/**
 * Says in large letters which environment a mutating screen acts on: teams have reverted
 * production with tools that switched targets silently.
 */
export function TargetBanner({ id, env, protection, verb, label }: { id?: string; env: string; protection: Protection; verb: string; label: string }) {
  return (
    <div data-testid="target-banner" className={`flex flex-1 flex-col gap-1 rounded-lg border-2 px-4 py-3 ${STYLE[protection]}`}>
      <p className="text-xs font-semibold tracking-wide uppercase">
        {verb} · {protection} environment
      </p>
      <h2 id={id} className="text-3xl font-black tracking-tight">
        {env}
      </h2>
      <p className="text-sm">{label}</p>
    </div>
  );
}
