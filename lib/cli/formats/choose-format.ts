import { StrataError } from '../../errors';

/**
 * Reads a command's `--format`: the default when not given, one of `choices` otherwise. An
 * unknown format, or `--json` beside a format that is not the default, is a usage error
 * (exit 2) naming the choices, before anything runs.
 */
export function chooseFormat<const C extends readonly string[]>(
  options: { format?: string; json: boolean; command: string },
  choices: C,
): C[number] {
  const format = options.format ?? choices[0]!;
  if (!choices.includes(format)) {
    throw new StrataError('BAD_USAGE', `Unknown format "${format}" for ${options.command}: --format takes ${choicesText(choices)}`);
  }
  if (options.json && format !== choices[0]) {
    throw new StrataError('BAD_USAGE', `Give --json or --format ${format}, not both (--json prints the report itself)`);
  }
  return format;
}

/** `text, sarif or github`. */
export function choicesText(choices: readonly string[]): string {
  return choices.length === 1 ? choices[0]! : `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
}
