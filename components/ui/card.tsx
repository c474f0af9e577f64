import type { HTMLAttributes, ReactNode } from 'react';

/** A bordered white panel. `alert` gives it the red edge of something that needs attention. */
export function Card({
  alert = false,
  className = '',
  children,
  ...rest
}: { alert?: boolean; children: ReactNode } & HTMLAttributes<HTMLElement>) {
  const edge = alert ? 'border-red-300 ring-1 ring-red-200' : 'border-zinc-200';
  return (
    <article className={`flex flex-col rounded-xl border bg-white shadow-sm ${edge} ${className}`} {...rest}>
      {children}
    </article>
  );
}
