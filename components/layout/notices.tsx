import type { ReactNode } from 'react';

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
