'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { z } from 'zod';
import { OperationStartersProvider, type OperationStarters } from '@/components/operations/operation-starters';
import { requestFixAction, resolveChangeSetAction, skipChangeSetAction, unskipChangeSetAction } from './change-set-actions';
import { LockWaitAbilitiesProvider, type LockWaitAbilities } from '@/components/operations/lock-wait-controls';
import { cancelOperationAction, terminateBlockerAction } from './lock-wait-actions';
import { executeRolloutRequestAction, pauseRolloutAction, requestRolloutAction, resumeRolloutAction, retryFailedRolloutAction, startRolloutAction } from './rollout-actions';
import { executeRequestAction, restoreBackupAction, startOperationAction, startRehearsalAction, startSeedAction } from './operation-actions';

// zod 4 probes `Function("")` to decide whether to compile its parsers; under the console's CSP
// (no 'unsafe-eval') that probe is a reported violation. In the browser (the ERD's URL state,
// named views) zod parses without compiling.
if (typeof window !== 'undefined') z.config({ jitless: true });

/** The server actions the pages start operations with (each behind the same door as the HTTP API). */
const STARTERS: OperationStarters = {
  startOperation: startOperationAction,
  startRehearsal: startRehearsalAction,
  startSeed: startSeedAction,
  executeRequest: executeRequestAction,
  resolveChangeSet: resolveChangeSetAction,
  skipChangeSet: skipChangeSetAction,
  unskipChangeSet: unskipChangeSetAction,
  requestFix: requestFixAction,
  restoreBackup: restoreBackupAction,
  cancelOperation: cancelOperationAction,
  terminateBlocker: terminateBlockerAction,
  startRollout: startRolloutAction,
  pauseRollout: pauseRolloutAction,
  resumeRollout: resumeRolloutAction,
  retryFailedRollout: retryFailedRolloutAction,
  requestRollout: requestRolloutAction,
  executeRolloutRequest: executeRolloutRequestAction,
};

/**
 * Client-side data layer for pages that poll live databases and follow operations, and the
 * server actions that start them. One QueryClient per browser tab, created lazily so that
 * server rendering never shares one between requests.
 */
export function Providers({ children, lockWait }: { children: ReactNode; /** Which of Cancel and Terminate blocker the signed-in role is offered (the doors decide again). */ lockWait: LockWaitAbilities }) {
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
      <OperationStartersProvider starters={STARTERS}>
        <LockWaitAbilitiesProvider abilities={lockWait}>{children}</LockWaitAbilitiesProvider>
      </OperationStartersProvider>
    </QueryClientProvider>
  );
}
