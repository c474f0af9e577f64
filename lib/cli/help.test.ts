import { describe, expect, it } from 'vitest';
import { cli } from '../../test/support/cli-runner';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { createScratchDatabase } from '../../test/support/scratch-database';
import { COMMANDS } from './commands';
import { flagsOf } from './command';
import { flagLabel } from './help';

/** A string flag needs a value to parse; a switch takes none. */
const typed = (name: string, type: 'string' | 'boolean') => (type === 'string' ? [`--${name}`, 'x'] : [`--${name}`]);

describe('help generated from the command definitions', () => {
  it('lists every command with its summary', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    const lines = top.stdout.split('\n');
    for (const command of COMMANDS) expect(lines.some((l) => l.startsWith(`  ${command.name} `) && l.endsWith(command.summary))).toBe(true);
    expect((await cli('help')).stdout).toBe(top.stdout);
    expect(await cli()).toMatchObject({ code: 2, stdout: top.stdout });
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s --help lists every flag it accepts, and accepts every flag it lists', async (name, command) => {
    const help = await cli(name, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout.startsWith(`strata ${name}`)).toBe(true);
    expect(help.stdout).toContain(command.description);
    expect((await cli('help', name)).stdout).toBe(help.stdout);
    const options = help.stdout.split('\nOptions:\n')[1]!.split('\n\n')[0]!;
    const listed = [...options.matchAll(/^ {2}(?:-\w, )?--([a-z][a-z-]*)/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(flagsOf(command)).sort());
    for (const [flag, spec] of Object.entries(flagsOf(command))) {
      expect(help.stdout).toContain(`  ${flagLabel(flag, spec)} `);
      // Accepted: with --help nothing runs, so any value will do.
      expect(await cli(name, ...typed(flag, spec.type), '--help')).toMatchObject({ code: 0, stdout: help.stdout });
    }
    // The synopsis names only flags the command takes.
    for (const [, flag] of command.usage.join('\n').matchAll(/--([a-z][a-z-]*)/g)) expect(Object.keys(flagsOf(command))).toContain(flag);
  });

  it.each(COMMANDS.map((c) => c.name))('%s refuses an unknown flag with exit 2, naming it', async (name) => {
    const result = await cli(name, '--frobnicate', '--help');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(new RegExp(`^Unknown option --frobnicate for ${name}\\. Run npx strata ${name} --help`));
  });

  it("refuses another command's flag, saying which command takes it, and changes nothing", async () => {
    const db = await createScratchDatabase('cli_flags');
    try {
      const dir = writeFixtureProject([{ name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' }]);
      // Today's slip: apply takes no --steps; running it anyway would apply every pending change set.
      const slip = await cli('apply', '--steps', '1', '--database-url', db.url, '--dir', dir);
      expect(slip).toMatchObject({ code: 2, stdout: '' });
      expect(slip.stderr).toMatch(/^Unknown option --steps for apply \(rollback takes it\)\./);
      expect((await db.sql`select to_regclass('strata.change_log') as log, to_regclass('public.a') as a`)[0]).toEqual({ log: null, a: null });
    } finally {
      await db.drop();
    }
    expect((await cli('introspect', '--dir', 'x', '--help')).stderr).toMatch(/^Unknown option --dir for introspect\. /);
    expect((await cli('--bogus')).stderr).toMatch(/^Unknown option --bogus without a command/);
    const missing = await cli('apply', '--env');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--env <value>' argument missing/);
  });

  it('declares each flag name once across commands: one name, one kind of flag', () => {
    const kinds = new Map<string, string>();
    for (const command of COMMANDS) {
      for (const [flag, spec] of Object.entries(flagsOf(command))) {
        const kind = `${spec.type} ${spec.short ?? ''}`;
        expect(kinds.get(flag) ?? kind, `--${flag} in ${command.name}`).toBe(kind);
        kinds.set(flag, kind);
      }
    }
  });
});
