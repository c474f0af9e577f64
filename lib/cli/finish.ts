import { closeConsolePools } from '../auth/console-db';

/**
 * Ends a CLI process once its command has printed its result: the console database pools
 * opened for audit entries are ended (an idle pool would hold the process for its idle
 * timeout), then the exit code is set and Node exits as soon as nothing else is pending.
 */
export async function finishCli(code: number): Promise<void> {
  process.exitCode = code;
  await closeConsolePools();
}
