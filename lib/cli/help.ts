import { flagsOf, GLOBAL_FLAGS, type CommandDefinition, type FlagSpec, type Flags } from './command';
import { ACTOR_FLAGS, CONFIRM_FLAGS, PROJECT_FLAGS, REQUEST_FLAGS, TARGET_FLAGS } from './flags';

/** Help texts, generated from the command definitions: nothing here names a command. */

const WIDTH = 100;

/** `strata --help`: every command with its summary, the shared options and the exit codes. */
export function overviewHelp(commands: readonly CommandDefinition[]): string {
  const nameWidth = Math.max(...commands.map((c) => c.name.length)) + 1;
  return [
    'strata — PostgreSQL schema operations',
    '',
    'Usage: npx strata <command> [options]      (or npm run strata -- <command> in a checkout)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(nameWidth)}${c.summary}`),
    '',
    "Options several commands take (a command's --help lists the ones it takes):",
    flagLines({ ...TARGET_FLAGS, ...PROJECT_FLAGS, ...ACTOR_FLAGS, ...CONFIRM_FLAGS, ...REQUEST_FLAGS, ...GLOBAL_FLAGS }),
    '',
    'Exit codes: 0 done, 1 failed (or drift found), 2 bad usage or unconfirmed, 3 target locked.',
    '',
    // Every command's --format choices in one place: CI looks here for SARIF, JUnit and Markdown.
    'Output formats (--format; docs/ci.md has a GitHub Actions workflow using them):',
    ...commands.filter((c) => c.flags.format).map((c) => `  ${c.name.padEnd(nameWidth)}${c.flags.format!.description.replace(/ \(default.*$/, '')}`),
  ].join('\n');
}

/** `strata <command> --help`: its synopsis, what it does, every flag it takes, and its notes. */
export function commandHelp(command: CommandDefinition): string {
  return [
    ...command.usage,
    '',
    command.description,
    '',
    'Options:',
    flagLines(flagsOf(command)),
    ...(command.notes ? ['', command.notes] : []),
  ].join('\n');
}

/** `--to TAG` (and `-h, --help`): a flag as a user types it. */
export function flagLabel(name: string, spec: FlagSpec): string {
  return `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
}

function flagLines(flags: Flags): string {
  const labels = Object.entries(flags).map(([name, spec]) => [flagLabel(name, spec), spec.description] as const);
  const column = Math.max(...labels.map(([label]) => label.length)) + 4;
  return labels.map(([label, description]) => `  ${label.padEnd(column - 2)}${wrap(description, WIDTH - column).join(`\n${' '.repeat(column)}`)}`).join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}
