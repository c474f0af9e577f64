import type { Logger as GraphileLogger } from 'graphile-worker';
import { engineLogger } from '../observability/logger';

/**
 * graphile-worker's logger, writing through Strata's (pino, stderr): its default writes to
 * stdout, which would break `--json`. Its info and debug chatter (connected, looking for jobs) goes to debug.
 */
export async function queueLogger(): Promise<GraphileLogger> {
  const { Logger } = await import('graphile-worker');
  const log = engineLogger();
  return new Logger((scope) => (level, message, meta) => {
    const fields = { component: 'queue', ...(scope as Record<string, unknown>), ...(meta ?? {}) };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else log.debug(fields, message);
  });
}
