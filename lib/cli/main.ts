import { parseArgs } from 'node:util';
import { isStrataError, type StrataErrorCode } from '../errors';
import { flagsOf, GLOBAL_FLAGS, type FlagSpec, type Flags, type OptionValues } from './command';
import { COMMANDS } from './commands';
import { finishCli } from './finish';
import { commandHelp, overviewHelp } from './help';

/**
 * The CLI's entry point: finds the command, parses its flags (and only its flags), prints
 * help generated from the command definitions (commands/), runs the command and maps
 * errors to exit codes.
 */

/** 2 bad usage or refused, 3 the target is locked; every other error is 1. */
const EXIT_CODES: Partial<Record<StrataErrorCode, number>> = {
  BAD_USAGE: 2,
  UNKNOWN_ENVIRONMENT: 2,
  BAD_DATABASE_URL: 2,
  NOT_FOUND: 2,
  ALREADY_EXISTS: 2,
  LOCKED: 3,
  CONFIRMATION_REQUIRED: 2,
  PROTECTED: 2,
  FORBIDDEN: 2,
  POOLER_DETECTED: 2,
};

/** Runs the CLI with `argv` and returns the exit code; all output goes through `out`/`err`. */
export async function runCli(
  argv: string[],
  out: (s: string) => unknown = (s) => process.stdout.write(s),
  err: (s: string) => unknown = (s) => process.stderr.write(s),
): Promise<number> {
  const [name, topic] = positionalsOf(argv);
  if (name === 'help' && topic !== undefined) return runCli([topic, '--help'], out, err);
  if (name === undefined || name === 'help') {
    const unknown = unknownFlag(argv, GLOBAL_FLAGS);
    if (unknown) {
      err(`Unknown option ${unknown.raw} without a command. Run npx strata --help for the commands.\n`);
      return 2;
    }
    const parsed = parseFlags(argv, GLOBAL_FLAGS, 'npx strata --help', err);
    if (!parsed) return 2;
    out(`${overviewHelp(COMMANDS)}\n`);
    return name || parsed.values.help ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    err(`Unknown command "${name}". Commands: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  const flags = flagsOf(command);
  const unknown = unknownFlag(argv, flags);
  if (unknown) {
    // Naming the command that takes it catches the usual slip (apply --steps); a flag most commands take needs no pointer.
    const takenBy = COMMANDS.filter((c) => unknown.name in c.flags).map((c) => c.name);
    const hint = takenBy.length > 0 && takenBy.length <= 3 ? ` (${takenBy.join(', ')} ${takenBy.length === 1 ? 'takes' : 'take'} it)` : '';
    err(`Unknown option ${unknown.raw} for ${name}${hint}. Run npx strata ${name} --help for the options it takes.\n`);
    return 2;
  }
  const parsed = parseFlags(argv, flags, `npx strata ${name} --help`, err);
  if (!parsed) return 2;
  if (parsed.values.help) {
    out(`${commandHelp(command)}\n`);
    return 0;
  }
  const options = optionValues(name, parsed.values);
  try {
    const result = await command.run(options, parsed.positionals.slice(1));
    out(options.json ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.text}\n`);
    return result.code;
  } catch (error) {
    if (isStrataError(error)) {
      if (options.json) out(`${JSON.stringify({ error: { code: error.code, message: error.message, ...error.details } }, null, 2)}\n`);
      err(`error [${error.code}]: ${error.message}\n`);
      return EXIT_CODES[error.code] ?? 1;
    }
    err(`error: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}

/** Every flag any command takes: enough to tell flags' values from the command's name. */
const ALL_FLAGS: Flags = (() => {
  const all: Record<string, FlagSpec> = {};
  for (const command of COMMANDS) {
    for (const [name, spec] of Object.entries(flagsOf(command))) {
      const seen = all[name];
      // One flag name means one kind of flag, whichever command takes it.
      if (seen && (seen.type !== spec.type || seen.short !== spec.short)) throw new Error(`--${name} is declared differently by ${command.name} and another command`);
      all[name] = spec;
    }
  }
  return all;
})();

/** The words of `argv` that are not flags or their values: the command's name first, wherever the flags stand. */
function positionalsOf(argv: string[]): string[] {
  return parseArgs({ args: argv, options: parserOptions(ALL_FLAGS), strict: false, allowPositionals: true }).positionals;
}

/** Parses `argv` strictly against `flags`; a missing value or a value given to a switch is a usage error (null). */
function parseFlags(argv: string[], flags: Flags, helpCommand: string, err: (s: string) => unknown) {
  try {
    return parseArgs({ args: argv, options: parserOptions(flags), allowPositionals: true });
  } catch (error) {
    err(`${(error as Error).message}\nRun ${helpCommand} for usage.\n`);
    return null;
  }
}

/** The first option in `argv` that is not one of `flags`, as typed. */
function unknownFlag(argv: string[], flags: Flags): { name: string; raw: string } | null {
  const { tokens } = parseArgs({ args: argv, options: parserOptions(flags), strict: false, allowPositionals: true, tokens: true });
  const token = tokens.find((t) => t.kind === 'option' && !(t.name in flags));
  return token?.kind === 'option' ? { name: token.name, raw: token.rawName } : null;
}

/** parseArgs options for `flags`; switches default to false, so `run` always sees a boolean. */
function parserOptions(flags: Flags) {
  return Object.fromEntries(
    Object.entries(flags).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.type === 'boolean' ? { default: false } : {}) }]),
  );
}

/** parseArgs' values as `run` reads them: `include-out-of-order` → `includeOutOfOrder`. */
function optionValues(command: string, values: Record<string, string | boolean | (string | boolean)[] | undefined>): OptionValues<Flags> {
  const camel = Object.entries(values).map(([flag, value]) => [flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), value]);
  return { ...Object.fromEntries(camel), command } as OptionValues<Flags>;
}

// Run when executed directly (npm run strata: tsx, always the current sources), not when imported by tests or bundled (bin.ts).
if (process.argv[1] && /cli[\\/]main\.ts$/.test(process.argv[1])) {
  void runCli(process.argv.slice(2)).then(finishCli);
}
