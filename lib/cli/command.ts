/**
 * What a CLI command is: one module under commands/ exporting one definition — its name,
 * one-line summary, synopsis, help prose, flags and `run`. main.ts builds the argument
 * parser and every help text from the definitions, so a flag is declared, explained and read
 * in one place, and adding a command touches its module and the list in commands/index.ts.
 */

/** One flag: a node:util parseArgs option, with what help says about it. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in help (`--to TAG`); string flags only. */
  value?: string;
  short?: string;
  /** What it does, for the command's help (wrapped there). */
  description: string;
}

export type Flags = Readonly<Record<string, FlagSpec>>;

/** A flag that takes a value: `--to TAG`. */
export function valueFlag(value: string, description: string) {
  return { type: 'string' as const, value, description };
}

/** A flag that is on or off: `--all`. */
export function switchFlag(description: string) {
  return { type: 'boolean' as const, description };
}

/** Taken by every command, and added to each one's flags by main.ts. */
export const GLOBAL_FLAGS = {
  json: switchFlag('machine-readable output on stdout (logs go to stderr)'),
  help: { ...switchFlag('this help'), short: 'h' },
} as const satisfies Flags;

/** `include-out-of-order` → `includeOutOfOrder`: flags as `run` reads them. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/**
 * What `run` receives: one property per flag the command declares (and the global ones),
 * camel-cased; switches are false when not given. A command can only read flags it
 * declares, so its help lists every flag it reads.
 */
export type OptionValues<F extends Flags> = {
  -readonly [K in keyof (F & typeof GLOBAL_FLAGS) & string as CamelCase<K>]: (F & typeof GLOBAL_FLAGS)[K]['type'] extends 'boolean' ? boolean : string | undefined;
} & {
  /** The command's name, for the audit entry of a refusal. */
  command: string;
};

export interface CommandOutput {
  /** Exit code: 0 done, 1 failed. (2 and 3 come from errors; see EXIT_CODES in main.ts.) */
  code: number;
  text: string;
  json: unknown;
}

export interface CommandDefinition<F extends Flags = Flags> {
  name: string;
  /** One line in `strata --help`'s list of commands. */
  summary: string;
  /** The synopsis, one line per form, each starting `strata <name>`. */
  usage: readonly string[];
  /** What it does, between the synopsis and the options in its help. */
  description: string;
  /** The flags it takes besides the global ones (json, help). */
  flags: F;
  /** Printed after the options: exit codes, configuration, examples. */
  notes?: string;
  /** `positional` is what follows the command's name: a subcommand, a tag, a folder. */
  run(options: OptionValues<F>, positional: string[]): Promise<CommandOutput>;
}

/** Every flag a command takes: its own, then the global ones. */
export function flagsOf(command: CommandDefinition): Flags {
  return { ...command.flags, ...GLOBAL_FLAGS };
}

/** Declares a command; its flags' types flow into what `run` receives. */
export function defineCommand<const F extends Flags>(definition: CommandDefinition<F>): CommandDefinition<F> {
  return definition;
}
