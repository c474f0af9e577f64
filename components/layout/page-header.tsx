import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Protection } from '@/lib/config/environments';
import { ProtectionBadge } from '@/components/environments/protection-badge';
import { PROTECTION_INFO } from '@/components/environments/environment-display';

export interface Crumb {
  label: string;
  href: string;
}

/** The pages every environment has, linked from the header of each. */
export type EnvironmentPage = 'overview' | 'erd' | 'retention';

const ENVIRONMENT_PAGES: ReadonlyArray<{ page: EnvironmentPage; label: string; path: string }> = [
  { page: 'overview', label: 'Overview', path: '' },
  { page: 'erd', label: 'Schema diagram', path: '/erd' },
  { page: 'retention', label: 'Retention', path: '/retention' },
];

/**
 * The header of every page: a breadcrumb back to Strata, the title in large letters, a
 * description and the page's actions. On a page about one environment the environment
 * leads the breadcrumb, its protection level sits beside the title (so nobody acts on the
 * wrong one), and its pages are a click away.
 */
export function PageHeader({
  title,
  titleTestId,
  subtitle,
  environment,
  trail = [],
  crumb,
  description,
  actions,
  width = 'page',
}: {
  title: ReactNode;
  titleTestId?: string;
  /** Beside the title, in lighter type: which part of the environment the page shows. */
  subtitle?: ReactNode;
  /** `page`: the environment page this is, marked current among the links to them. */
  environment?: { name: string; protection: Protection; page?: EnvironmentPage };
  /** Links between Strata (and the environment) and this page. */
  trail?: Crumb[];
  /** This page's own name, last in the breadcrumb. Without it the environment (or Strata) is the current page. */
  crumb?: string;
  description?: ReactNode;
  actions?: ReactNode;
  /** `full`: a working surface that spans the window (the schema diagram); its header keeps to one row. */
  width?: 'page' | 'wide' | 'full';
}) {
  const base = environment ? `/environments/${encodeURIComponent(environment.name)}` : null;
  const links: Crumb[] = [{ label: 'Strata', href: '/' }, ...(environment ? [{ label: environment.name, href: base! }] : []), ...trail];
  // On the home page Strata is the page itself: no breadcrumb.
  const breadcrumb = crumb !== undefined || links.length > 1;
  const full = width === 'full';
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className={full ? 'px-4 py-3 sm:px-6' : `mx-auto ${width === 'wide' ? 'max-w-[96rem]' : 'max-w-7xl'} px-4 py-6 sm:px-6 lg:px-8`}>
        <div className="flex flex-wrap items-end justify-between gap-x-6 gap-y-3">
          <div className={`flex min-w-0 ${full ? 'flex-wrap items-center gap-x-4 gap-y-1' : 'flex-col gap-1'}`}>
            {breadcrumb && <Breadcrumb links={crumb === undefined ? links.slice(0, -1) : links} current={crumb ?? links.at(-1)!.label} />}
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <h1 className={`${full ? 'text-2xl' : 'text-4xl'} font-black tracking-tight break-all text-zinc-900`} data-testid={titleTestId}>
                {title}
              </h1>
              {environment && <ProtectionBadge protection={PROTECTION_INFO[environment.protection]} />}
              {subtitle && <span className="text-xl font-medium text-zinc-500">{subtitle}</span>}
            </div>
          </div>
          {(environment || actions) && (
            <div className="flex flex-wrap items-center gap-3">
              {environment && <EnvironmentLinks base={base!} name={environment.name} current={environment.page} />}
              {actions}
            </div>
          )}
        </div>
        {description && <div className="mt-2 max-w-3xl text-sm text-zinc-600">{description}</div>}
      </div>
    </header>
  );
}

function Breadcrumb({ links, current }: { links: Crumb[]; current: string }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
      <ol className="flex flex-wrap items-center gap-x-2">
        {links.map((link) => (
          <li key={link.href} className="flex items-center gap-x-2">
            <Link href={link.href} className="font-medium text-zinc-700 hover:underline">
              {link.label}
            </Link>
            <span aria-hidden="true">/</span>
          </li>
        ))}
        <li aria-current="page" className="min-w-0 break-all text-zinc-900">
          {current}
        </li>
      </ol>
    </nav>
  );
}

function EnvironmentLinks({ base, name, current }: { base: string; name: string; current?: EnvironmentPage }) {
  return (
    <nav aria-label={`Pages of ${name}`} className="flex rounded-md bg-zinc-100 p-0.5 text-sm">
      {ENVIRONMENT_PAGES.map(({ page, label, path }) =>
        page === current ? (
          <span key={page} aria-current="page" className="rounded px-2.5 py-1 font-semibold text-zinc-900 shadow-sm ring-1 ring-zinc-200 bg-white">
            {label}
          </span>
        ) : (
          <Link key={page} href={`${base}${path}`} className="rounded px-2.5 py-1 font-medium text-blue-700 hover:bg-white hover:underline">
            {label}
          </Link>
        ),
      )}
    </nav>
  );
}
