import { closeConsolePools } from '../auth/console-db';

/**
 * Ends a CLI process once its command has printed its result (both entry points: main.ts
 * under tsx, bin.ts bundled). The console database pools opened for audit entries are
 * ended: an idle pool would hold the process for its 20 s idle timeout whenever PostgreSQL
 * outlives the command (beside `npm start`). Node then exits as soon as nothing is pending.
 */
export async function finishCli(code: number): Promise<void> {
  process.exitCode = code;
  // The result is already printed and the code set: a pool that cannot end cleanly changes neither.
  await closeConsolePools().catch(() => undefined);
}
