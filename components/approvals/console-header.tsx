import Link from 'next/link';
import type { ReactNode } from 'react';

/**
 * The header of the console-wide pages (approvals, audit trail, users): like
 * EnvironmentHeader, a breadcrumb back to Strata and the page's title in large letters,
 * but about no one environment.
 */
export function ConsoleHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto max-w-7xl px-4 py-6 sm:px-6 lg:px-8">
        <nav aria-label="Breadcrumb" className="flex flex-wrap gap-x-2 text-sm text-zinc-500">
          <Link href="/" className="font-medium text-zinc-700 hover:underline">
            Strata
          </Link>
          <span aria-hidden="true">/</span>
          <span aria-current="page">{title}</span>
        </nav>
        <h1 className="mt-2 text-4xl font-black tracking-tight text-zinc-900" data-testid="page-title">
          {title}
        </h1>
        {children}
      </div>
    </header>
  );
}

/** Shown instead of a page's content when the signed-in role may not see it. */
export function NotAllowed({ testId = 'not-allowed', children }: { testId?: string; children: ReactNode }) {
  return (
    <main id="main" className="mx-auto flex max-w-7xl flex-col gap-4 px-4 py-8 sm:px-6 lg:px-8">
      <p role="alert" data-testid={testId} className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm font-medium text-amber-950">
        {children}
      </p>
    </main>
  );
}

/** A readable failure (never a stack), e.g. the console database being unreachable. */
export function ErrorNotice({ title, message, testId }: { title: string; message: string; testId?: string }) {
  return (
    <div role="alert" data-testid={testId} className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-semibold">{title}</p>
      <p className="mt-1 break-words">{message}</p>
    </div>
  );
}
