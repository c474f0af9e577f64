import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Protection } from '@/lib/config/environments';
import { ProtectionBadge } from '@/components/environments/protection-badge';
import { PROTECTION_INFO } from '@/components/environments/environment-display';

/**
 * The header of every environment page: breadcrumb, the environment's name in large
 * letters with its protection level (so nobody acts on the wrong one), and its sub-pages.
 */
export function EnvironmentHeader({ env, protection, title, children }: { env: string; protection: Protection; title?: string; children?: ReactNode }) {
  const base = `/environments/${encodeURIComponent(env)}`;
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto max-w-7xl px-4 py-6 sm:px-6 lg:px-8">
        <nav aria-label="Breadcrumb" className="flex flex-wrap gap-x-2 text-sm text-zinc-500">
          <Link href="/" className="font-medium text-zinc-700 hover:underline">
            Strata
          </Link>
          <span aria-hidden="true">/</span>
          <Link href={base} className="font-medium text-zinc-700 hover:underline">
            {env}
          </Link>
          <span aria-hidden="true">·</span>
          <Link href={`${base}/erd`} className="font-medium text-blue-700 hover:underline">
            Schema diagram
          </Link>
          <span aria-hidden="true">·</span>
          <Link href={`${base}/retention`} className="font-medium text-blue-700 hover:underline">
            Retention
          </Link>
        </nav>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-4xl font-black tracking-tight text-zinc-900" data-testid="environment-name">
            {env}
          </h1>
          <ProtectionBadge protection={PROTECTION_INFO[protection]} />
          {title && <span className="font-mono text-xl text-zinc-700">{title}</span>}
        </div>
        {children}
      </div>
    </header>
  );
}
