import { performance } from 'node:perf_hooks';
import type { Statement } from '../changesets/statements';
import { connect, type Sql } from '../db/client';
import { startLockCapture, type LockCapture } from '../migrate/lock-capture';
import type { StatementProbe } from '../migrate/run-context';
import { roundMs, type ExecutedStatement } from '../migrate/statement-outcome';
import type { LockedConnection } from '../migrate/target-lock';
import { qualifiedName } from './copy-data';
import type { RehearsedLock, RehearsedStatement } from './report';

/**
 * What a rehearsal measures around each statement of the real run on the scratch database,
 * on the run's own session (so inside its transaction):
 * - locks: the relation locks the session holds after the statement that it did not hold
 *   before (lock-capture.ts, as the dry run; relations the change set itself creates are
 *   nobody else's and left out), held from the statement's start until the change set's
 *   transaction ends (after-checks and commit included, this probe's own queries not). A
 *   no-transaction statement releases its locks when it ends, so for those a second session
 *   polls pg_locks for the runner's pid while the statement runs (`locksSampled`: a lock
 *   held for less than a poll's round trip, well under a millisecond, can be missed);
 * - rewrites: pg_class.relfilenode of every table the statement names (and their partitions)
 *   before and after — a new relfilenode means the table was rewritten;
 * - WAL: pg_current_wal_insert_lsn() before and after. It is the server's position, so WAL
 *   written by other databases on the same server meanwhile is counted too: with a local
 *   scratch server that is nobody's;
 * - temp files: PostgreSQL logs every temp file as it is removed when log_temp_files = 0;
 *   with client_min_messages = log those LOG lines reach this session as notices, one per
 *   file with its size, exactly and per statement (pg_stat_database only flushes when the
 *   session goes idle outside a transaction). Setting log_temp_files needs a superuser; the
 *   caller says whether it could (tempMeasured).
 */
export class RehearsalProbe implements StatementProbe {
  private statements: ExecutedStatement[] = [];
  /** When each statement started, and how much probing had been done by then: its locks are held from then to the transaction's end. */
  private starts: Array<{ at: number; probedMs: number }> = [];
  /** Time spent in this probe's own queries, which the real run would not spend while holding its locks. */
  private probedMs = 0;
  private rehearsed: RehearsedStatement[] = [];
  private current: { lsn: string; nodes: Map<number, { name: string; node: number }>; tempFiles: number; tempBytes: number } | null = null;
  private monitor: { stop: () => Promise<Map<string, string>> } | null = null;
  private noTransaction = false;
  private locks: LockCapture | null = null;

  constructor(
    private readonly monitorSql: Sql,
    private readonly runnerPid: number,
  ) {}

  /** The kind of every relation when the change set began, for its locks (headlines name tables). */
  private kinds = new Map<string, RehearsedLock['kind']>();

  /** Opens a probe for a run on `conn` (after the copy). */
  static async start(conn: LockedConnection, scratchUrl: string): Promise<RehearsalProbe> {
    const [row] = await conn`select pg_backend_pid() as pid`;
    const monitor = connect(scratchUrl, { max: 1, applicationName: 'strata:rehearsal-monitor' });
    // Connected now: a first poll that had to connect (and authenticate) would miss a short statement whole.
    await monitor`select 1`;
    return new RehearsalProbe(monitor, Number(row!.pid));
  }

  async close(): Promise<void> {
    await this.monitor?.stop().catch(() => undefined);
    await this.monitorSql.end({ timeout: 5 });
  }

  /** The server's notices on the run's session: temp-file lines count toward the running statement. */
  onNotice = (notice: { message?: string }): void => {
    const match = /^temporary file: path ".*", size (\d+)$/.exec(notice.message ?? '');
    if (!match || !this.current) return;
    this.current.tempFiles += 1;
    this.current.tempBytes += Number(match[1]);
  };

  startChangeSet(noTransaction: boolean): void {
    this.statements = [];
    this.starts = [];
    this.rehearsed = [];
    this.noTransaction = noTransaction;
    this.locks = null;
  }

  /**
   * The change set's statements with their locks, once its transaction has ended (committed or
   * rolled back) at `endedAt`: a lock is held from its statement's start to then — its after-
   * checks and commit included — less the time this probe spent on its own queries meanwhile.
   */
  endChangeSet(endedAt = performance.now()): RehearsedStatement[] {
    if (!this.noTransaction && this.locks) {
      this.locks.attribute(this.statements, false);
      for (const [i, s] of this.statements.entries()) {
        const start = this.starts[i]!;
        const heldMs = roundMs(Math.max(s.durationMs, endedAt - start.at - (this.probedMs - start.probedMs)));
        this.rehearsed[i]!.locks = s.locks.map((l) => ({ mode: lockModeName(l.mode), relation: l.relation, heldMs, kind: this.kinds.get(l.relation) ?? 'other' }));
      }
    }
    return this.rehearsed;
  }

  async before(conn: LockedConnection, statement: Statement): Promise<void> {
    const t0 = performance.now();
    // The change set's transaction began just now: what the session holds is not its doing, and
    // the relations that exist now (tables an earlier change set created included) are named.
    if (!this.noTransaction && !this.locks) {
      this.locks = await startLockCapture(conn);
      this.kinds = new Map();
      for (const r of await conn.unsafe(RELATION_KINDS)) this.kinds.set(String(r.name), r.kind === 'r' || r.kind === 'p' || r.kind === 'm' ? 'table' : r.kind === 'i' || r.kind === 'I' ? 'index' : 'other');
    }
    const [row] = await conn.unsafe(`select pg_current_wal_insert_lsn()::text as lsn, ${RELFILENODES} as rels`, [statement.tables.map(qualifiedName)]);
    this.current = { lsn: String(row!.lsn), nodes: nodesOf(row!.rels), tempFiles: 0, tempBytes: 0 };
    if (this.noTransaction) this.monitor = this.pollLocks();
    this.probedMs += performance.now() - t0;
    this.starts[this.statements.length] = { at: performance.now(), probedMs: this.probedMs };
  }

  async after(conn: LockedConnection, statement: Statement, outcome: { durationMs: number; rows: number }): Promise<void> {
    const t0 = performance.now();
    const current = this.current!;
    const seen = (await this.monitor?.stop()) ?? new Map<string, string>();
    this.monitor = null;
    const [row] = await conn.unsafe(`select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $2::pg_lsn)::int8 as wal, ${RELFILENODES} as rels`, [statement.tables.map(qualifiedName), current.lsn]);
    const after = nodesOf(row!.rels);
    const rewritten = [...current.nodes].filter(([oid, b]) => after.has(oid) && b.node !== 0 && after.get(oid)!.node !== b.node).map(([, b]) => b.name);
    await this.locks?.afterStatement(this.statements.length);
    const durationMs = roundMs(outcome.durationMs);
    this.statements.push({ index: statement.index, line: statement.line, sql: statement.sql, durationMs, rows: outcome.rows, locks: [], label: null, skipped: false });
    // Without a transaction the statement's locks ended with it: held for (at most) its own duration.
    const locks: RehearsedLock[] = [...seen].map(([relation, mode]) => ({ mode: lockModeName(mode), relation, heldMs: durationMs, kind: 'table' as const }));
    this.rehearsed.push({
      index: statement.index,
      line: statement.line,
      summary: summaryOf(statement.sql),
      wallMs: durationMs,
      rows: countsRows(statement) ? outcome.rows : null,
      locks,
      rewritten: [...new Set(rewritten)].sort(),
      walBytes: Number(row!.wal),
      tempFiles: current.tempFiles,
      tempBytes: current.tempBytes,
      ...(this.noTransaction ? { locksSampled: true } : {}),
    });
    this.current = null;
    this.probedMs += performance.now() - t0;
  }

  /**
   * Polls the runner's granted relation locks until stopped: relation → strongest mode seen.
   * Back to back at first (a short statement is over in a few milliseconds), then every 20 ms,
   * so a long CREATE INDEX CONCURRENTLY does not cost the server a query per millisecond.
   */
  private pollLocks(): { stop: () => Promise<Map<string, string>> } {
    const seen = new Map<string, string>();
    let running = true;
    let polls = 0;
    const loop = (async () => {
      while (running) {
        polls += 1;
        const rows = await this.monitorSql.unsafe(
          `select n.nspname || '.' || c.relname as relation, l.mode from pg_locks l join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
           where l.pid = $1 and l.locktype = 'relation' and l.granted and c.relkind in ('r', 'p', 'm')
             and n.nspname not in ('pg_catalog', 'information_schema', 'strata', 'drizzle') and n.nspname not like 'pg_toast%'`,
          [this.runnerPid],
        );
        for (const r of rows) {
          const relation = String(r.relation);
          const mode = String(r.mode);
          if (strength(mode) > strength(seen.get(relation) ?? '')) seen.set(relation, mode);
        }
        if (polls > 100) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop.catch(() => undefined);
        return seen;
      },
    };
  }
}

/** The kind of every user relation, by `schema.name`. */
const RELATION_KINDS = `select n.nspname || '.' || c.relname as name, c.relkind::text as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'`;

/** Relation oid → name and relfilenode of the tables named in $1 and their partitions (pg_partition_tree lists nothing for a plain table). */
const RELFILENODES = `coalesce((select json_agg(json_build_object('oid', c.oid::int8, 'name', n.nspname || '.' || c.relname, 'node', c.relfilenode::int8))
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'm') and c.oid in (select to_regclass(x) from unnest($1::text[]) x union all select t.relid from unnest($1::text[]) x, pg_partition_tree(to_regclass(x)) t)), '[]'::json)`;

function nodesOf(rels: unknown): Map<number, { name: string; node: number }> {
  const list = (typeof rels === 'string' ? JSON.parse(rels) : rels) as Array<{ oid: number; name: string; node: number }>;
  return new Map(list.map((r) => [Number(r.oid), { name: r.name, node: Number(r.node) }]));
}

const LOCK_MODES = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

function strength(mode: string): number {
  return LOCK_MODES.indexOf(mode);
}

/** `AccessExclusiveLock` → `ACCESS EXCLUSIVE`, as PostgreSQL's documentation names lock modes. */
export function lockModeName(mode: string): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

/** Statements whose row count means rows (DML, CREATE TABLE AS); DDL reports none. */
function countsRows(statement: Statement): boolean {
  const node = statement.node as unknown as Record<string, unknown>;
  return ['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'CreateTableAsStmt', 'SelectStmt'].some((k) => node && typeof node === 'object' && k in node);
}

/** The statement's first line that is not a comment, for display. */
function summaryOf(sql: string): string {
  const line = sql.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('--')) ?? sql.trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
