import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchCluster } from './bench-cluster';
import { benchApply } from './apply-bench';
import { benchStart } from './start-bench';

/**
 * `npm run bench`: Strata against what a user would otherwise run, in one run, on this
 * machine. Figures are printed (and pasted into the README with the date); nothing here
 * asserts a time — benchmarks measure, tests check behaviour.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)} ms`);
const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  if (wanted('apply')) {
    const cluster = await startBenchCluster(root);
    try {
      const r = await benchApply(cluster, path.join(root, 'drizzle/demo'));
      results.apply = r;
      console.log(`\n## Apply the whole demo (${r.changeSets} change sets) to an empty database — median of ${r.runs}`);
      console.log(`Strata apply                 ${ms(r.strataMs)}`);
      console.log(`psql -1 -f (same SQL)        ${ms(r.psqlMs)}`);
      console.log(`drizzle-orm migrate()        ${ms(r.drizzleMs)}`);
      console.log(`Strata overhead / change set ${ms(r.overheadPerChangeSetMs)}  (target ≤ 15 ms)`);
      console.log(`drizzle overhead / change set ${ms(r.drizzleOverheadPerChangeSetMs)}`);
    } finally {
      await cluster.stop();
    }
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
