import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchCluster } from './bench-cluster';
import { benchApply } from './apply-bench';
import { benchDryRun } from './dry-run-bench';
import { benchDrift } from './drift-bench';
import { benchStart } from './start-bench';
import { benchIntrospect, benchStamp, PULL_TIMEOUT_MS } from './introspect-bench';
import { benchErdBrowser } from './erd-browser-bench';
import { benchSeed } from './seed-bench';
import { benchRetention } from './retention-bench';
import { benchLint } from './lint-bench';
import { benchBackup } from './backup-bench';
import { benchBackfill } from './backfill-bench';
import { benchRehearse } from './rehearse-bench';
import { benchCli } from './cli-bench';
import { benchFleetPage } from './fleet-page';
import { benchFleet } from './fleet';
import { benchFleetSchemas } from './fleet-schemas';

/**
 * `npm run bench`: Strata against what a user would otherwise run, in one run, on this
 * machine. Figures are printed (and pasted into the README with the date); nothing here
 * asserts a time — benchmarks measure, tests check behaviour.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)} ms`);
const times = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)}×`);
const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  if (wanted('apply')) {
    const cluster = await startBenchCluster(root);
    try {
      const r = await benchApply(cluster, path.join(root, 'drizzle/demo'));
      results.apply = r;
      console.log(`\n## Apply the demo's ${r.changeSets} transactional change sets to an empty database — median of ${r.runs}`);
      console.log(`Strata apply                 ${ms(r.strataMs)}`);
      console.log(`… as a console operation     ${ms(r.recordedMs)}  (the record and the queue: +${ms(r.recordOverheadMs)} per operation)`);
      console.log(`psql -1 -f (same SQL)        ${ms(r.psqlMs)}`);
      console.log(`drizzle-orm migrate()        ${ms(r.drizzleMs)}`);
      console.log(`Strata overhead / change set ${ms(r.overheadPerChangeSetMs)}  (target ≤ 15 ms)`);
      console.log(`drizzle overhead / change set ${ms(r.drizzleOverheadPerChangeSetMs)}`);
    } finally {
      await cluster.stop();
    }
  }
  if (wanted('fleet')) {
    const r = await benchFleet(root);
    results.fleet = r;
    const rate = (v: { ms: number; perMinute: number }) => `${(v.ms / 1000).toFixed(1)} s  ${v.perMinute.toFixed(0)} targets/min`;
    console.log(`\n## Fleet: the demo's ${r.changeSets} remaining change sets to ${r.targets} tenant databases (waves 1,10%,100%)`);
    console.log(`Strata rollout, 1 worker       ${rate(r.oneWorker)}`);
    console.log(`Strata rollout, 2 workers      ${rate(r.twoWorkers)}  (${times(r.twoToOne)} one worker)`);
    console.log(`psql -f, sequential loop       ${r.psql ? rate(r.psql) : 'n/a (no psql)'}`);
    console.log(`1 worker / psql                ${times(r.oneToPsql)}   2 workers / psql ${times(r.twoToPsql)}`);
  }
  if (wanted('fleet-schemas')) {
    const r = await benchFleetSchemas(root);
    results.fleetSchemas = r;
    const rate = (v: { ms: number; perMinute: number } | null) => (v ? `${(v.ms / 1000).toFixed(1)} s  ${v.perMinute.toFixed(0)} tenants/min` : 'n/a (no psql)');
    console.log(`\n## Schema-per-tenant: ${r.changeSets} change sets to ${r.tenants} tenant schemas of one database (waves 1,10%,100%, 8 at a time)`);
    console.log(`Strata rollout                 ${rate(r.strata)}`);
    console.log(`psql + SET search_path, 1 process per tenant   ${rate(r.psqlPerTenant)}`);
    console.log(`psql + SET search_path, 1 session for all      ${rate(r.psqlOneSession)}`);
    console.log(`Fleet overview (status + drift of all ${r.tenants}, one replay)  ${ms(r.overviewMs)}`);
  }
  if (wanted('rehearse')) {
    const cluster = await startBenchCluster(root);
    try {
      const r = await benchRehearse(cluster);
      results.rehearse = r;
      console.log(`\n## Rehearsal of a rewrite (ALTER COLUMN … TYPE bigint) on a ${r.rows.toLocaleString('en-US')}-row table — median of ${r.runs}`);
      console.log(`Rehearsal, whole               ${ms(r.rehearsal.totalMs)}  (${times(r.totalToApply)} the apply)`);
      console.log(`… copy: schema (replay)        ${ms(r.rehearsal.schemaMs)}`);
      console.log(`… copy: rows (COPY, masked)    ${ms(r.rehearsal.dataMs)}`);
      console.log(`… run on the copy              ${ms(r.rehearsal.runMs)}  (${times(r.runToApply)} the apply)`);
      console.log(`… dropping the copy            ${ms(r.rehearsal.dropMs)}  (the rest: reading the target's status, opening sessions)`);
      console.log(`Rehearsal, --sample 10%        ${ms(r.sampled.totalMs)}  (rows ${ms(r.sampled.dataMs)}, run ${ms(r.sampled.runMs)})`);
      console.log(`Plain apply, same data         ${ms(r.applyMs)}`);
      console.log(`ACCESS EXCLUSIVE held          ${ms(r.lockHeldMs)}  (the run on the copy, the lock measured)`);
      console.log(`Last headline: ${r.headline ?? 'none'}; plan WAL ${(r.walBytes / 1024 / 1024).toFixed(1)} MB`);
    } finally {
      await cluster.stop();
    }
  }
  if (wanted('backup')) {
    const cluster = await startBenchCluster(root);
    try {
      const r = await benchBackup(cluster);
      results.backup = r;
      const rate = (v: number | null) => (v === null ? 'n/a' : `${v.toLocaleString('en-US')} rows/s`);
      console.log(`\n## Backups: a destructive change set on a ${r.rows.toLocaleString('en-US')}-row table — median of ${r.runs}, each on a fresh copy`);
      console.log(`drop column, no backup (policy off)      ${ms(r.dropColumn.withoutMs)}`);
      console.log(`drop column, key + column copied, verified ${ms(r.dropColumn.withMs)}  (${times(r.dropColumn.ratio)})`);
      console.log(`… to compressed files (STRATA_BACKUP_DIR)  ${ms(r.dropColumn.withFilesMs)}  (${times(r.dropColumn.filesRatio)})`);
      console.log(`drop table, no backup                    ${ms(r.dropTable.withoutMs)}`);
      console.log(`drop table, whole table copied, verified ${ms(r.dropTable.withMs)}  (${times(r.dropTable.ratio)})`);
      console.log(`Restore of the dropped table's rows after its rollback:`);
      console.log(`Strata restore (backup schema)           ${ms(r.restore.strataMs)}  ${rate(r.restore.strataRowsPerSecond)}`);
      console.log(`Strata restore (compressed files)        ${ms(r.restore.filesMs)}  ${rate(r.restore.filesRowsPerSecond)}`);
      console.log(`psql \\copy of the same rows from a file   ${ms(r.restore.psqlMs)}  ${rate(r.restore.psqlRowsPerSecond)}`);
      console.log(`Strata ÷ psql rows/s                     ${times(r.restore.ratio)}`);
    } finally {
      await cluster.stop();
    }
  }
  if (wanted('backfill')) {
    const cluster = await startBenchCluster(root);
    try {
      const r = await benchBackfill(cluster);
      results.backfill = r;
      const row = (label: string, single: string, batched: string) => console.log(`${label.padEnd(40)}${single.padEnd(16)}${batched}`);
      console.log(`\n## Backfill of ${r.rows.toLocaleString('en-US')} rows (update … set n = n + 1) with a writer loop updating random rows meanwhile — one run each, on fresh copies`);
      console.log(`writer statement alone (median of 500): ${ms(r.writerBaselineMs)}; its waits on a lock read from pg_stat_activity every 10 ms`);
      row('', 'one UPDATE', `batched (size=${r.batchSize.toLocaleString('en-US')})`);
      row('total time', ms(r.single.totalMs), `${ms(r.batched.totalMs)}  (${times(r.ratio)} the single UPDATE)`);
      row('longest time a row lock was held', ms(r.single.longestLockMs), `${ms(r.batched.longestLockMs)}  (longest batch of ${r.batched.batches})`);
      row('writer: statements run meanwhile', String(r.single.writes), String(r.batched.writes));
      row('writer: longest statement', ms(r.single.writerMaxMs), ms(r.batched.writerMaxMs));
      row('writer: waiting on a lock, in all', ms(r.single.writerBlockedTotalMs), ms(r.batched.writerBlockedTotalMs));
      row('writer: longest wait on a lock', ms(r.single.writerLongestBlockMs), ms(r.batched.writerLongestBlockMs));
      row('throttle back-offs (writer queued)', '—', String(r.batched.backoffs));
    } finally {
      await cluster.stop();
    }
  }
  if (wanted('dryrun')) {
    const cluster = await startBenchCluster(root);
    try {
      const r = await benchDryRun(cluster, path.join(root, 'drizzle/demo'));
      results.dryrun = r;
      const row = (label: string, value: string, note = '') => console.log(`  ${label.padEnd(36)}${value}${note ? `  (${note})` : ''}`);
      console.log(`\n## Dry runs and drift check on the demo — median of ${r.runs}, each on a fresh database; staging = up to ${r.stagingTag}`);
      console.log(`Staging's ${r.stagingPending} pending change sets, onto a database at ${r.stagingTag}:`);
      row('Strata dry run, mode transaction', ms(r.transactionDryRunMs));
      row('psql -f (same SQL, per change set)', ms(r.psqlApplyPendingMs));
      row('Strata apply (for context)', ms(r.strataApplyPendingMs));
      row('dry run ÷ psql', times(r.transactionDryRunRatio), 'target < 2×');
      console.log('Shadow dry runs (shadow server = the bench cluster):');
      row(`whole demo, empty db (run ${r.wholeDemo})`, ms(r.shadowWholeDemoMs), 'target < 5 s');
      row(`staging (replay ${r.stagingApplied}, run ${r.stagingPending})`, ms(r.shadowStagingMs));
      row('psql -f whole demo', ms(r.psqlApplyWholeDemoMs));
      row('whole demo ÷ psql', times(r.shadowWholeDemoRatio));
      row('staging ÷ psql whole demo', times(r.shadowStagingRatio));
      console.log(`Drift check on a database at ${r.stagingTag} (replays ${r.stagingApplied} change sets):`);
      row('Strata checkDrift', ms(r.driftCheckMs), r.drifted ? 'reported drift!' : '');
      row(`psql -f those ${r.stagingApplied}`, ms(r.psqlApplyStagingAppliedMs));
      row('drift check ÷ psql', times(r.driftCheckRatio));
    } finally {
      await cluster.stop();
    }
  }
  if (wanted('drift')) {
    const cluster = await startBenchCluster(root);
    try {
      const r = await benchDrift(cluster, path.join(root, 'drizzle/demo'));
      results.drift = r;
      console.log(`\n## Drift check on the demo (${r.applied} change sets applied, ${r.tables} tables) — median of ${r.runs}`);
      console.log(`(a) drift check, expected schema known   ${ms(r.driftKnownMs)}${r.drifted ? '  (reported drift!)' : ''}`);
      console.log(`(b) one introspection (introspectUrl)    ${ms(r.introspectMs)}`);
      console.log(`a ÷ b                                    ${times(r.ratio)}  (goal ≤ 1.3×)`);
      console.log(`(c) first computation (empty store)      ${ms(r.firstComputationMs)}  (of which replay + its introspection ${ms(r.replayMs)})`);
    } finally {
      await cluster.stop();
    }
  }
  if (wanted('introspect') || wanted('stamp')) {
    const cluster = await startBenchCluster(root);
    try {
      // `npm run bench -- stamp` runs this part alone (the introspect part pulls with drizzle-kit for minutes).
      const r = await benchStamp(cluster);
      results.stamp = r;
      console.log(`\n## An unchanged schema costs a catalog stamp, not an introspection — ${r.tables} tables, median of ${r.runs}`);
      console.log(`catalogStamp (one query)                 ${ms(r.stampMs)}`);
      console.log(`introspect (same open connection)        ${ms(r.introspectMs)}  (${times(r.introspectMs / r.stampMs)} the stamp)`);
      console.log(`poll of an unchanged schema (readSchema) ${ms(r.unchangedReadMs)}  (connect + stamp, kept model)`);
      console.log(`poll before the stamp (introspectUrl)    ${ms(r.introspectUrlMs)}  (${times(r.introspectUrlMs / r.unchangedReadMs)})`);
      console.log(`Server layout of the whole ERD (${(r.layoutBytes / 1024).toFixed(0)} KB of positions and routes):`);
      console.log(`computed (ELK on its thread, once)       ${ms(r.layoutComputedMs)}`);
      console.log(`cached, same model                       ${ms(r.layoutCachedMs)}`);
      console.log(`cached, fresh read of the same schema    ${ms(r.layoutCachedRereadMs)}  (its fingerprint hashed)`);
    } finally {
      await cluster.stop();
    }
  }
  if (wanted('introspect')) {
    const cluster = await startBenchCluster(root);
    try {
      console.log('\n## Introspection of synthetic schemas — median of 5 (drizzle-kit pull: 1 run)');
      console.log('tables  strata      raw psql    ratio   drizzle-kit pull  pull÷strata  pg_dump -s');
      const rows = await benchIntrospect(cluster, root, undefined, undefined, (r) => {
        const ratio = r.rawPsqlMs ? (r.strataMs / r.rawPsqlMs).toFixed(2) + '×' : 'n/a';
        const pull = r.drizzlePullMs ? (r.drizzlePullMs / r.strataMs).toFixed(1) + '×' : r.drizzlePullTimedOut ? `> ${(PULL_TIMEOUT_MS / r.strataMs).toFixed(0)}×` : 'n/a';
        console.log(
          `${String(r.tables).padEnd(6)}  ${ms(r.strataMs).padEnd(10)}  ${ms(r.rawPsqlMs).padEnd(10)}  ${ratio.padEnd(6)}  ${(r.drizzlePullTimedOut ? `> ${PULL_TIMEOUT_MS / 1000} s` : ms(r.drizzlePullMs)).padEnd(16)}  ${pull.padEnd(11)}  ${r.pgDumpMs !== null ? ms(r.pgDumpMs) : `n/a (${r.pgDumpNote})`}`,
        );
      });
      results.introspect = rows;
      console.log('targets at 2,000 tables: strata ≤ 1.5× raw psql; drizzle-kit pull ≥ 10× strata');
    } finally {
      await cluster.stop();
    }
  }
  if (wanted('erd')) {
    const cluster = await startBenchCluster(root);
    try {
      const secs = (v: number) => `${(v / 1000).toFixed(2)} s`;
      const answers = (a: string[]) => (a.every((x) => x === 'none') ? '' : ` [${a.join(',')}]`);
      console.log('\n## ERD in Chromium, signed in — navigation → diagram interactive (tables or clusters on screen, no layout in progress)');
      console.log('first visit = fresh browser context, no localStorage: cold = first visitor after the console started, warm = a second one;');
      console.log('repeat = the warm visitor reloads. Median of 3, each on a freshly started console. Pan: one 2 s drag (first run).');
      console.log('[…] = Strata-Layout answers of the server-side layout, per run, where the console has one');
      console.log('bytes: "first visit API" = all the cold visitor downloaded from /api up to interactive, on the wire (browser transferSize);');
      console.log('"model" = GET …/schema, on the wire in that visit / decompressed; "unchanged" = a poll sending its ETag back (304)');
      const kb = (v: number) => `${(v / 1024).toFixed(v < 10_240 ? 1 : 0)} KB`;
      console.log('schema        tables (+partitions)  first visit cold  first visit warm  repeat visit  pan median / p95     first visit API  model wire / decoded  unchanged');
      const screenshotDir = path.join(root, '.strata', 'bench-erd-screens');
      const rows = await benchErdBrowser(cluster, root, {
        screenshotDir,
        onRow: (r) =>
          console.log(
            `${r.environment.padEnd(12)}  ${`${r.tables}${r.partitions ? ` (+${r.partitions})` : ''}`.padEnd(20)}  ${(secs(r.firstVisitColdMs) + answers(r.layoutAnswers.cold)).padEnd(16)}  ${(secs(r.firstVisitWarmMs) + answers(r.layoutAnswers.warm)).padEnd(16)}  ${(secs(r.repeatVisitMs) + answers(r.layoutAnswers.repeat)).padEnd(12)}  ${`${ms(r.panMedianFrameMs)} / ${ms(r.panP95FrameMs)}`.padEnd(19)}  ${kb(Object.values(r.firstVisitApiBytes).reduce((a, b) => a + b, 0)).padEnd(15)}  ${`${r.modelWireBytes === null ? 'n/a' : kb(r.modelWireBytes)} / ${kb(r.modelDecodedBytes)}`.padEnd(20)}  ${r.unchangedPollBytes} B`,
          ),
      });
      results.erd = rows;
      console.log(`what "interactive" looked like (repeat visit, first run): ${path.relative(root, screenshotDir)}/<schema>.png`);
      console.log('targets (issue 15): interactive < 1.5 s at 300 tables, first visit < 3 s for GitLab and 2,000 tables; pan p95 ≤ 33 ms at 2,000; unchanged poll < 1 KB');
    } finally {
      await cluster.stop();
    }
  }
  // Not in a bare `npm run bench`: its 1,000 databases take minutes to make the first time.
  if (only.includes('fleet-page')) {
    const screenshot = path.join(root, 'test-results', 'bench-fleet-page.png');
    const r = await benchFleetPage(root, { screenshot });
    results.fleetPage = r;
    console.log(`\n## The fleet page at ${r.targets.toLocaleString('en-US')} targets × ${r.changeSets} change sets, in Chromium — median of ${r.runs}`);
    console.log(`making the databases           ${r.setupMs ? ms(r.setupMs) : 'kept from an earlier run'}`);
    console.log(`reading every target (cold)    ${ms(r.readAllMs)}  (status + drift, one connection each, 8 at a time)`);
    console.log(`first render, cache warm       ${ms(r.firstRenderMs)}  (runs: ${r.firstRenderRunsMs.join(', ')} ms)`);
    console.log(`rows in the DOM                ${r.rowsInDom} of ${r.targets}`);
    console.log(`End key to the last target     ${ms(r.scrollToEndMs)}  (pages of 200 loaded as it goes)`);
    console.log(`first API answer               ${(r.firstApiBytes / 1024).toFixed(1)} KB`);
    console.log(`counts                         ${JSON.stringify(r.counts)}`);
    console.log(`screenshot: ${path.relative(root, screenshot)}`);
  }
  if (wanted('seed')) {
    const cluster = await startBenchCluster(root);
    try {
      const r = await benchSeed(cluster, path.join(root, 'drizzle/demo'));
      const { seededUrl: _url, ...seedFigures } = r;
      results.seed = seedFigures;
      const rate = (v: number) => `${Math.round(v).toLocaleString('en-US')} rows/s`;
      console.log(`\n## Seed ${r.events.toLocaleString('en-US')} usage events (--scale) on a fresh demo database`);
      console.log(`strata seed --scale (whole run)   ${ms(r.seedTotalMs)}  (target < 30 s)`);
      console.log(`  of which COPY of the events     ${ms(r.copyMs)}  ${rate(r.copyRowsPerSecond)}`);
      console.log(`  of which rollups recomputed     ${ms(r.rollupsMs)}`);
      console.log(`multi-row INSERT, ${r.batchRows} rows/stmt  ${ms(r.insertMs)}  ${rate(r.insertRowsPerSecond)}`);
      console.log(`INSERT ÷ COPY                     ${times(r.insertOverCopy)}`);
      console.log(`INSERT ÷ whole seed run           ${times(r.insertOverSeedTotal)}`);
      const ret = await benchRetention(r.seededUrl);
      results.retention = ret;
      console.log(`\n## Retention figures for ${ret.tables} tables, ${r.events.toLocaleString('en-US')} usage events loaded (median of ${ret.runs})`);
      console.log(`strata retention (computeRetention) ${ms(ret.strataMs)}  (target < 1 s)`);
      console.log(`  estimated (over the exact-count limit): ${ret.estimatedTables.join(', ') || 'none'}`);
      console.log(`strata retention, every count exact ${ms(ret.strataAllExactMs)}`);
      if (ret.psqlExactMs !== null) {
        console.log(`psql, exact count(*) + purge counts ${ms(ret.psqlExactMs)}`);
        console.log(`Strata ÷ psql exact                ${times(ret.strataMs / ret.psqlExactMs)}`);
      }
    } finally {
      await cluster.stop();
    }
  }
  if (wanted('lint')) {
    const r = await benchLint();
    results.lint = r;
    console.log(`\n## Lint ${r.changeSets.toLocaleString('en-US')} generated change sets (${r.statements.toLocaleString('en-US')} statements, forward + rollback) — median of ${r.runs}`);
    console.log(`strata lint (lintProject)      ${ms(r.lintMs)}  (target < 2 s; ${r.findings.toLocaleString('en-US')} findings)`);
    console.log(`parse only (libpg-query)       ${ms(r.parseOnlyMs)}`);
    console.log(`lint ÷ parse only              ${times(r.ratio)}`);
  }
  if (wanted('cli')) {
    const r = await benchCli(root);
    results.cli = r;
    console.log(`\n## CLI start-up, whole process — median of ${r.runs} (node -e 0 alone: ${ms(r.nodeMs)})`);
    console.log(`node dist/cli/strata.js --help       ${ms(r.help.binMs)}  (target < 200 ms)`);
    console.log(`npx strata --help                    ${ms(r.help.npxMs)}`);
    console.log(`npm run strata -- --help (tsx)       ${ms(r.help.npmRunMs)}`);
    console.log(`npx tsx lib/cli/main.ts --help       ${ms(r.help.tsxMs)}  (${times(r.help.tsxMs / r.help.binMs)} the executable)`);
    console.log('strata status on the embedded demo (3 environments):');
    console.log(`  PostgreSQL running (npm start)     executable ${ms(r.status.running.binMs)}  (target < 500 ms)   tsx ${ms(r.status.running.tsxMs)}`);
    console.log(`  started and stopped by the command executable ${ms(r.status.startedByCommand.binMs)}   tsx ${ms(r.status.startedByCommand.tsxMs)}`);
  }
  if (wanted('start')) {
    const r = await benchStart(root);
    results.start = r;
    console.log('\n## npm start → first served page (built clone)');
    console.log(`first start (fresh .strata/)  ${ms(r.firstStartMs)}  (target < 15 s)`);
    console.log(`second start (same data)      ${ms(r.secondStartMs)}  (target < 5 s)`);
  }
  console.log(`\n${JSON.stringify({ date: new Date().toISOString(), ...results })}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
