import type { CommandDefinition } from '../command';
import { applyCommand } from './apply';
import { auditCommand } from './audit';
import { backupCommand } from './backup';
import { baselineCommand } from './baseline';
import { checkCommand } from './check';
import { docsCommand } from './docs';
import { draftRollbackCommand } from './draft-rollback';
import { driftCommand } from './drift';
import { erdCommand } from './erd';
import { historyCommand } from './history';
import { importCommand } from './import';
import { initCommand } from './init';
import { introspectCommand } from './introspect';
import { lintCommand } from './lint';
import { planCommand } from './plan';
import { rehearseCommand } from './rehearse';
import { resolveCommand } from './resolve';
import { retentionCommand } from './retention';
import { rollbackCommand } from './rollback';
import { rolloutCommand } from './rollout';
import { seedCommand } from './seed';
import { skipCommand, unskipCommand } from './skip';
import { statusCommand } from './status';
import { userCommand } from './user';
import { verifyCommand } from './verify';
import { workerCommand } from './worker';

/** Every command, in the order `strata --help` lists them. */
export const COMMANDS: readonly CommandDefinition[] = [
  statusCommand,
  historyCommand,
  applyCommand,
  rollbackCommand,
  rolloutCommand,
  workerCommand,
  resolveCommand,
  skipCommand,
  unskipCommand,
  baselineCommand,
  introspectCommand,
  erdCommand,
  docsCommand,
  planCommand,
  rehearseCommand,
  driftCommand,
  backupCommand,
  userCommand,
  auditCommand,
  seedCommand,
  retentionCommand,
  lintCommand,
  verifyCommand,
  checkCommand,
  draftRollbackCommand,
  importCommand,
  initCommand,
];
