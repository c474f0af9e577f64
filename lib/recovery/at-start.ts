import type { StrataConfig } from '../config/environments';
import { failureReason } from '../db/client';
import { safeMessage } from '../db/safe-message';
import type { Logger } from '../observability/logger';
import { leftoverShadows } from './leftover-shadows';
import { interruptedOperations } from './interrupted-operations';
import { stuckRequests } from './stuck-requests';
import type { RecoveryOutcome, RecoveryStep } from './recovery-step';

/*
 * What a killed console or CLI can leave behind, settled when the console starts: each kind
 * of leftover is one step (recovery-step.ts), and each step gets its own entry in the report.
 * A step that cannot run (its server is down) is reported, never thrown: the console must
 * still start.
 */
export interface RecoveryStepReport extends RecoveryOutcome {
  step: string;
  /** Why the step could not run, with no connection string or password; null when it ran. */
  error: string | null;
}

export interface RecoveryReport {
  steps: RecoveryStepReport[];
}

/** The steps run at start, in order. */
export const RECOVERY_STEPS: readonly RecoveryStep[] = [leftoverShadows(), stuckRequests(), interruptedOperations()];

export async function recoverAtStart(config: StrataConfig, logger: Logger, steps: readonly RecoveryStep[] = RECOVERY_STEPS): Promise<RecoveryReport> {
  const report: RecoveryReport = { steps: [] };
  for (const step of steps) {
    try {
      const outcome = await step.run(config, logger);
      report.steps.push({ step: step.name, error: null, ...outcome });
    } catch (error) {
      const reason = safeMessage(failureReason(error), step.urls(config));
      logger.warn({ step: step.name, error: reason }, 'recovery step could not run');
      report.steps.push({ step: step.name, error: reason, recovered: [], leftAlone: [] });
    }
  }
  return report;
}

/** The report as start-up lines: one per thing recovered, left alone, or step that could not run. */
export function recoveryLines(report: RecoveryReport): string[] {
  return report.steps.flatMap((s) => [
    ...s.recovered,
    ...s.leftAlone,
    ...(s.error ? [`Could not check for ${s.step}: ${s.error}`] : []),
  ]);
}
