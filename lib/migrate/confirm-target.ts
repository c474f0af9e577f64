import type { Protection } from '../config/environments';
import { StrataError } from '../errors';

/**
 * Changing a protected environment needs its name typed back, so that a command aimed at
 * the wrong target (a switched context, a pasted command line) stops instead of running.
 * Open and guarded environments, and bare database URLs, need no confirmation.
 */
export function assertConfirmed(target: { name: string | null; protection: Protection | null }, typed: string | undefined): void {
  if (target.protection !== 'protected' || !target.name) return;
  if (typed === target.name) return;
  throw new StrataError(
    'CONFIRMATION_REQUIRED',
    typed === undefined
      ? `${target.name} is protected: type its name to confirm (--confirm ${target.name})`
      : `${target.name} is protected and "${typed}" does not match its name; nothing was changed`,
    { environment: target.name },
  );
}
