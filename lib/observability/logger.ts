import pino, { type Logger } from 'pino';

/**
 * The engine's structured log. JSON lines go to stderr so that a CLI's `--json` output
 * on stdout stays machine-readable. Connection strings are never logged: redact paths
 * cover the fields that could carry one by mistake.
 */
export function createLogger(destination: pino.DestinationStream | number = 2): Logger {
  return pino(
    {
      base: { service: 'strata' },
      level: process.env.STRATA_LOG_LEVEL ?? 'info',
      redact: { paths: ['url', 'databaseUrl', 'password', '*.url', '*.password', 'connectionString'], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination,
  );
}

let shared: Logger | null = null;
/** The process-wide logger (stderr). */
export function engineLogger(): Logger {
  shared ??= createLogger();
  return shared;
}

export type { Logger };
