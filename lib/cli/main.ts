import { parseArgs } from 'node:util';
import { isStrataError, type StrataErrorCode } from '../errors';
import { COMMANDS, type CliOptions } from './commands';

const TARGET_HELP = `  --env NAME            a configured environment (local, staging, production in the demo)
  --database-url URL    any PostgreSQL database instead (no protection level)
  --dir PATH            the Drizzle project folder (default: drizzle/demo, or STRATA_PROJECT_DIR)
  --json                machine-readable output on stdout (logs go to stderr)`;

const HELP: Record<string, string> = {
  '': `strata — PostgreSQL schema operations

Usage: npm run strata -- <command> [options]

Commands:
  status     where every change set stands (all environments when no target is given)
  history    every apply, rollback and failure recorded on a target
  apply      apply pending change sets            [--to TAG] [--include-out-of-order]
  rollback   roll back applied change sets        [--steps N | --to TAG | --all]
  resolve    settle a failed or edited change set TAG --as retry|applied|rolled-back --reason "…"
  baseline   mark change sets applied without running them [--to TAG]
  introspect the live schema as a SchemaModel (--json)
  erd        the schema as Mermaid, DBML or a Markdown entity dictionary [--format F] [--out FILE]
  docs       write entity dictionary, Mermaid ERD and change log      --out DIR
  plan       dry-run an apply or rollback and print its diff and risks [--rollback N] [--shadow]
  drift      compare the live schema with what its applied change sets produce (exit 1 on drift)
  backup     list, or restore, the tables a rollback copied first     list | restore --schema S
  user       console users: add NAME --role R | list | disable NAME | set-role NAME R
  audit      the console's audit trail: verify (exit 1 when tampered with) | list [--limit N]
  seed       write the project's seed data (open environments) [--reset] [--scale N] [--force]
  retention  every table's retention policy and classification against live figures
  lint       check every change set against the migration rules (exit 1 on errors) [--rules]
  verify     round-trip every change set on a shadow database (exit 1 on a mismatch)
  import     turn another tool's migration folder into a Drizzle project folder

Options for every command:
${TARGET_HELP}
  --actor NAME          recorded beside the actor, who is always cli:<os user> (also STRATA_ACTOR)
  --confirm NAME        a protected environment's name, to confirm a change to it
  --request N           on a protected environment, the approved request apply/rollback runs
  --help                help for a command

Exit codes: 0 done, 1 failed (or drift found), 2 bad usage or unconfirmed, 3 target locked.`,
  status: `strata status [--env NAME | --database-url URL] [--dir PATH] [--json]

Without a target: one line per configured environment (reachable, schema version,
last migration, pending, failed). With a target: every change set's state — applied,
pending, out_of_order, failed or checksum_mismatch — and what resolves blocked ones.

${TARGET_HELP}`,
  history: `strata history (--env NAME | --database-url URL) [--dir PATH] [--json]

Lists strata.change_log on the target, newest first.

${TARGET_HELP}`,
  apply: `strata apply (--env NAME | --database-url URL) [--to TAG] [--include-out-of-order] [--dir PATH] [--json]

Applies pending change sets in journal order, each in its own transaction, under the
target's advisory lock. Stops at the first failure. Change sets that sit before
already-applied ones are reported, and applied only with --include-out-of-order.

  --to TAG                 stop after this change set (tag or version number)
  --include-out-of-order   also apply change sets merged late
  --lock-timeout DUR       lock_timeout per change set (default 5s)
  --statement-timeout DUR  statement_timeout per statement (default 10min)
  --expect-plan FILE       the output of \`strata plan --json\` that was reviewed: refuse
                           (exit 1, nothing changed) unless the plan made under the target's
                           lock is exactly it — same change sets, order and file checksums
  --confirm NAME           required on a protected environment: its name
  --request N              required on a protected environment: the approved request to run
                           (claimed under the lock exactly as the console claims it)
${TARGET_HELP}`,
  rollback: `strata rollback (--env NAME | --database-url URL) [--steps N | --to TAG | --all] [--dir PATH] [--json]

Rolls back the most recently applied change sets with their rollback/NNNN_tag.sql files
(default: the last one). Refuses before starting if any of them has no rollback file.

  --steps N      roll back the last N
  --to TAG       roll back everything applied after TAG (TAG stays applied)
  --all          roll back everything
  --no-backup    do not copy tables the rollback destroys into a backup schema first
  --expect-plan FILE  the reviewed \`strata plan --rollback … --json\` output (see apply)
  --confirm NAME required on a protected environment: its name
  --request N    required on a protected environment: the approved request to run

When the rollback files drop tables or columns, change column types, truncate or delete
from tables that have rows, those tables are first copied into a new schema
strata_backup_<time>_<version>_<id> on the same database; the history records where.
Restore with: strata backup restore --schema NAME (after re-applying).
${TARGET_HELP}`,
  resolve: `strata resolve TAG (--env NAME | --database-url URL) (--as retry|applied|rolled-back | --accept-checksum) --reason "…"

Settles a blocked change set, recorded in the history with your reason:
  --as retry          it failed; make it pending so the next apply runs it again
  --as rolled-back    it failed part-way and you undid its effects by hand
  --as applied        it failed part-way and you completed it by hand
  --accept-checksum   its file was edited after it was applied and the edit is harmless
${TARGET_HELP}`,
  baseline: `strata baseline (--env NAME | --database-url URL) [--to TAG] [--reason "…"] [--dir PATH]

Marks pending change sets (up to TAG) as applied without running them, for adopting a
database that already has the schema (like alembic stamp). Recorded as 'baseline'.

${TARGET_HELP}`,
};

HELP.introspect = `strata introspect (--env NAME | --database-url URL) [--json]

Reads the live catalog into Strata's SchemaModel: schemas, tables (partitioned too),
columns, keys, foreign keys, indexes, checks, enums, views, extensions, comments, row
estimates and sizes, row-level security. Prints a summary, or the whole model with --json.

${TARGET_HELP}`;
HELP.erd = `strata erd (--env NAME | --database-url URL) [--format mermaid|dbml|markdown] [--out FILE]

The whole live schema as a Mermaid erDiagram (default), DBML, or a Markdown entity
dictionary, on stdout or into --out FILE.

${TARGET_HELP}`;
HELP.docs = `strata docs --out DIR [--dir PATH] [--env NAME | --database-url URL]

Writes entity-dictionary.md, erd.md (Mermaid) and changelog.md for the project.
Without a target, the schema comes from a shadow database with every change set applied,
so the output depends on the files alone and can be committed and checked in CI. With a
target, it documents that database as it is, with its history and live figures.

${TARGET_HELP}`;

HELP.plan = `strata plan (--env NAME | --database-url URL) [--to TAG | --rollback N|all | --rollback-to TAG] [--shadow] [--json]

Dry-runs what apply (default) or rollback would do and changes nothing. Prints every
change set's statements with duration, rows and the locks they take, the schema diff
(tables, columns, types, defaults, nullability, keys, indexes, checks, enums, views) and
its risks: data loss, table rewrites, ACCESS EXCLUSIVE locks, NOT NULL on tables with rows.

  --shadow        replay the target's applied change sets onto a scratch database on the
                  local server and run there (default for protected environments);
                  otherwise the change sets run on the target in a transaction that is
                  always rolled back
  --rollback N    dry-run rolling back the last N change sets (or "all")
  --rollback-to TAG  dry-run rolling back everything applied after TAG
  --to TAG        dry-run applying up to TAG

Exit codes: 0 the change would succeed, 1 a change set would fail.
${TARGET_HELP}`;
HELP.drift = `strata drift (--env NAME | --database-url URL) [--json]

Replays the target's applied change sets onto a shadow database and compares that schema
with the live one: an index created by hand, a column changed outside migrations. Takes
the same lock as apply, so a migration in progress is never reported as drift.

Exit codes: 0 no drift, 1 drift found, 3 a migration holds the lock.
${TARGET_HELP}`;
HELP.backup = `strata backup list (--env NAME | --database-url URL)
strata backup restore --schema NAME (--env NAME | --database-url URL) [--confirm NAME]

Lists the backup schemas destructive rollbacks created, or puts a backup's rows back into
their tables (which must exist again: re-apply the change set first). Rows whose key
already exists are left alone. One transaction: all or nothing.
${TARGET_HELP}`;

HELP.user = `strata user add NAME --role viewer|developer|operator|admin [--display-name "…"] [--password-stdin]
strata user list [--json]
strata user disable NAME
strata user set-role NAME ROLE

Manages the console's users (in the console database). \`user add\` generates a password and
prints it once, unless --password-stdin reads one (at least 12 characters) from a pipe:
  printf %s "$PASSWORD" | npm run strata -- user add alice --role operator --password-stdin
Roles, each allowed what the ones before it are: viewer (read), developer (dry runs; seed
and reset on open environments), operator (apply and roll back on open and guarded ones;
request and execute changes on protected ones), admin (approve requests, manage users).
The last enabled admin cannot be disabled or demoted. Every change is audited with
--actor (default STRATA_ACTOR, else cli:<os user>) and role cli.`;
HELP.audit = `strata audit verify [--json]
strata audit list [--limit N] [--env NAME] [--json]

verify walks the audit trail's hash chain (HMAC-SHA256 with STRATA_AUDIT_KEY) and exits 1
naming the first entry that was edited, deleted or reordered. list prints the newest
entries (default 200, at most 1000), optionally of one environment.`;

HELP.seed = `strata seed (--env NAME | --database-url URL) [--reset] [--scale N] [--force] [--dir PATH] [--json]

Writes the project's seed set (seeds/demo for drizzle/demo): realistic, referentially
consistent rows with fixed identifiers, upserted table by table in dependency order, each
table in its own transaction. Rerunning creates no duplicates, and a run that failed
half-way finishes cleanly when rerun. Every change set must be applied first.

  --reset     first truncate every table of the project's schemas (never strata, drizzle
              or backups) and restart their identity sequences, then seed
  --scale N   also stream N usage events with COPY, for benchmarks (rows of an earlier
              run with the same N are not copied again), and recompute the rollups
  --force     allow --reset on a bare --database-url, which has no protection level

Only open environments can be seeded or reset; guarded and protected ones are refused
(exit 2), whoever asks. Prints one line per table and a summary.

${TARGET_HELP}`;

HELP.retention = `strata retention (--env NAME | --database-url URL) [--dir PATH] [--json]

Lists every table of the live database (Strata's and Drizzle's bookkeeping aside) with the
retention policy and classification the project declares for it (drizzle/demo/policies.ts
for the demo; tables without one are "unclassified"), and live figures: estimated rows,
size, oldest row, rows past retention, soft-deleted rows past their grace period, and the
rows the purge DELETE would remove. Counts are exact up to 100,000 rows per table and
planner estimates above (marked ≈). Only reads: the purge DELETEs are shown (--json:
purgeSql), never run.

${TARGET_HELP}`;

HELP.import = `strata import --from sql|golang-migrate|dbmate|diesel SRC --out DIR [--force] [--json]

Turns another tool's migration folder into a Drizzle project folder Strata manages:
migrations/meta/_journal.json, migrations/NNNN_<name>.sql and rollback/NNNN_<name>.sql, in
the source tool's order and with its names; each file keeps the source's SQL under a header
naming where it came from. Needs no database.

  sql             numbered files (001_init.sql); rollbacks from 001_init.down.sql,
                  001_init_down.sql or down/001_init.sql when present
  golang-migrate  <version>_<title>.up.sql and .down.sql
  dbmate          <version>_<name>.sql with -- migrate:up / -- migrate:down sections
                  (transaction:false → -- strata:no-transaction); SRC may be the folder
                  holding db/migrations; files dbmate refuses are reported, not imported
  diesel          <version>_<name>/up.sql and down.sql (metadata.toml
                  run_in_transaction = false → -- strata:no-transaction)

Reports what did not convert cleanly: files that are not migrations, migrations without a
down, SQL PostgreSQL's parser rejects, statements that cannot run in the transaction the
source runs them in, duplicate versions, timestamps out of order (line numbers are the
source files'). --out must be empty or new; --force replaces
its migrations/ and rollback/. Then run lint and verify on DIR.`;

HELP.verify = `strata verify [--dir PATH] [--env NAME | --database-url URL] [--json]

Round-trips every change set of the project on a shadow database (SC-001): applies it,
rolls it back and compares the schema with the one before (must be identical), applies it
again and compares with the first apply (identical), and, when its forward file says
\`-- strata:idempotent\`, applies it once more over itself (lines without IF NOT EXISTS,
IF EXISTS or OR REPLACE are listed when that fails). Each change set is judged on a shadow
holding a plain apply of everything before it: when one leaves the shadow otherwise (a
failed re-apply, a no-transaction rollback that stopped half-way), a fresh shadow is built
up to it. A forward apply that fails ends the run; the rest is marked not run. The shadow is
made on the target's server when --env or --database-url is given (never in the target
itself), else on the console's (STRATA_SHADOW_DATABASE_URL overrides), and is always dropped.

Exit 1 unless every change set round-trips: a rollback that leaves an index or a column
behind, a rollback PostgreSQL refuses, a missing rollback file, a re-apply that differs.

${TARGET_HELP}`;

HELP.lint = `strata lint [--dir PATH] [--env NAME | --database-url URL] [--json]
strata lint --rules

Checks every change set of the project (forward and rollback SQL, parsed with PostgreSQL's
own parser) against the migration rules, each change set judged against the schema the
earlier ones built: locking (index builds without CONCURRENTLY, table rewrites, NOT NULL
without default, constraints without NOT VALID, missing lock_timeout…), breaking (renames,
drops, narrowed types, SET NOT NULL), design (serial, int keys, timestamp, varchar(n), money
in floats), conventions (snake_case, index names, foreign keys without index, created_at /
updated_at, soft-delete columns, plaintext secrets) and hygiene (missing or incomplete
rollback). Prints one block per finding and a summary; --rules lists every rule.

Offline by default: no database needed, PostgreSQL 18 assumed. With --env or --database-url,
the target's server version and row counts are used (NOT NULL without a default on a table
with rows is an error, on an empty one nothing). Only reads.

Configure in strata-lint.json beside migrations/:
  { "rules": { "<rule-id>": "off" | "warning" | "error" }, "indexPrefixes": ["ix_", "idx_"], … }
Silence one statement with a comment directly above it (the reason is required):
  -- strata-lint-ignore <rule-id>[, <rule-id>…]: <reason>
Silence applied history, whose files must not change (their checksum is recorded), there:
  { "ignore": [{ "changeSet": "0004", "rules": ["<rule-id>"], "lines": [12], "reason": "…" }] }

Exit codes: 0 no errors (warnings allowed), 1 errors found or the project cannot be read,
2 bad usage.
${TARGET_HELP}`;

const EXIT_CODES: Partial<Record<StrataErrorCode, number>> = {
  BAD_USAGE: 2,
  UNKNOWN_ENVIRONMENT: 2,
  BAD_DATABASE_URL: 2,
  NOT_FOUND: 2,
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
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        env: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        'database-url': { type: 'string' },
        dir: { type: 'string' },
        json: { type: 'boolean', default: false },
        actor: { type: 'string' },
        to: { type: 'string' },
        steps: { type: 'string' },
        all: { type: 'boolean', default: false },
        as: { type: 'string' },
        reason: { type: 'string' },
        'accept-checksum': { type: 'boolean', default: false },
        'include-out-of-order': { type: 'boolean', default: false },
        'lock-timeout': { type: 'string' },
        'statement-timeout': { type: 'string' },
        confirm: { type: 'string' },
        rollback: { type: 'string' },
        'rollback-to': { type: 'string' },
        shadow: { type: 'boolean', default: false },
        'no-backup': { type: 'boolean', default: false },
        schema: { type: 'string' },
        role: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        'display-name': { type: 'string' },
        limit: { type: 'string' },
        reset: { type: 'boolean', default: false },
        scale: { type: 'string' },
        force: { type: 'boolean', default: false },
        from: { type: 'string' },
        rules: { type: 'boolean', default: false },
        request: { type: 'string' },
        'expect-plan': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    err(`${(error as Error).message}\nRun with --help for usage.\n`);
    return 2;
  }
  const [name, ...positional] = parsed.positionals;
  const v = parsed.values;
  if (!name || name === 'help') {
    out(`${HELP['']}\n`);
    return name || v.help ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  if (v.help) {
    out(`${HELP[name] ?? HELP['']}\n`);
    return 0;
  }
  const options: CliOptions = {
    command: name,
    env: v.env,
    format: v.format,
    out: v.out,
    databaseUrl: v['database-url'],
    dir: v.dir,
    json: v.json ?? false,
    actor: v.actor,
    to: v.to,
    steps: v.steps,
    all: v.all ?? false,
    as: v.as,
    reason: v.reason,
    acceptChecksum: v['accept-checksum'] ?? false,
    includeOutOfOrder: v['include-out-of-order'] ?? false,
    lockTimeout: v['lock-timeout'],
    statementTimeout: v['statement-timeout'],
    confirm: v.confirm,
    rollback: v.rollback,
    rollbackTo: v['rollback-to'],
    shadow: v.shadow ?? false,
    noBackup: v['no-backup'] ?? false,
    schema: v.schema,
    role: v.role,
    passwordStdin: v['password-stdin'] ?? false,
    displayName: v['display-name'],
    limit: v.limit,
    reset: v.reset ?? false,
    scale: v.scale,
    force: v.force ?? false,
    from: v.from,
    rules: v.rules ?? false,
    request: v.request,
    expectPlan: v['expect-plan'],
  };
  try {
    const result = await command(options, positional);
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

// Run when executed directly (npm run strata), not when imported by tests.
if (process.argv[1] && /cli[\\/]main\.ts$/.test(process.argv[1])) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
