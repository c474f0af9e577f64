'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { OperationStartersProvider, type OperationStarters } from '@/components/operations/operation-starters';
import { requestFixAction, resolveChangeSetAction, skipChangeSetAction, unskipChangeSetAction } from './change-set-actions';
import { executeRequestAction, restoreBackupAction, startOperationAction, startSeedAction } from './operation-actions';

/** The server actions the pages start operations with (each behind the same door as the HTTP API). */
const STARTERS: OperationStarters = {
  startOperation: startOperationAction,
  startSeed: startSeedAction,
  executeRequest: executeRequestAction,
  resolveChangeSet: resolveChangeSetAction,
  skipChangeSet: skipChangeSetAction,
  unskipChangeSet: unskipChangeSetAction,
  requestFix: requestFixAction,
  restoreBackup: restoreBackupAction,
};

/**
 * Client-side data layer for pages that poll live databases and follow operations, and the
 * server actions that start them. One QueryClient per browser tab, created lazily so that
 * server rendering never shares one between requests.
 */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 5_000 },
        },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      <OperationStartersProvider starters={STARTERS}>{children}</OperationStartersProvider>
    </QueryClientProvider>
  );
}
