import type { ReactNode } from 'react';

export type BadgeTone = 'neutral' | 'green' | 'amber' | 'red' | 'violet';

const tones: Record<BadgeTone, { box: string; dot: string }> = {
  neutral: { box: 'bg-zinc-100 text-zinc-700 ring-zinc-300', dot: 'bg-zinc-500' },
  green: { box: 'bg-emerald-50 text-emerald-800 ring-emerald-600/30', dot: 'bg-emerald-600' },
  amber: { box: 'bg-amber-50 text-amber-900 ring-amber-600/30', dot: 'bg-amber-500' },
  red: { box: 'bg-red-50 text-red-800 ring-red-600/30', dot: 'bg-red-600' },
  violet: { box: 'bg-violet-50 text-violet-800 ring-violet-600/30', dot: 'bg-violet-600' },
};

/** A small pill with a coloured dot; `title` becomes its tooltip. */
export function Badge({ tone = 'neutral', title, children }: { tone?: BadgeTone; title?: string; children: ReactNode }) {
  const t = tones[tone];
  return (
    <span
      title={title}
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${t.box}`}
    >
      <span aria-hidden="true" className={`size-1.5 rounded-full ${t.dot}`} />
      {children}
    </span>
  );
}
