'use client';

import { useEffect } from 'react';

/**
 * Shown when a page fails unexpectedly. It never shows the error's message or stack: in
 * production those stay in the server log, matched by the reference (Next's digest).
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main id="main" className="mx-auto flex max-w-xl flex-col items-start gap-4 px-4 py-24 sm:px-6">
      <p className="text-sm font-semibold text-red-700">Something went wrong</p>
      <h1 className="text-3xl font-bold tracking-tight text-zinc-900">This page could not be loaded</h1>
      <p className="text-zinc-600">
        Strata hit an unexpected problem while preparing this page. Try again in a moment; if it keeps failing, the
        server log has the details.
      </p>
      {digest && (
        <p className="text-sm text-zinc-500">
          Reference: <code className="font-mono">{digest}</code>
        </p>
      )}
      <button
        type="button"
        onClick={() => retry()}
        className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700"
      >
        Try again
      </button>
    </main>
  );
}
