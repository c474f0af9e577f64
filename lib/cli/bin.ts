/**
 * The `strata` executable's entry, bundled to dist/cli/strata.js by scripts/build-cli.mjs
 * (`npm run strata` runs main.ts through tsx instead, so it always runs the current sources).
 * Says when the bundle is older than its sources, runs the command, then lets the process
 * end by itself: finishCli closes what the command left open.
 */
import { fileURLToPath } from 'node:url';
import { finishCli } from './finish';
import { runCli } from './main';
import { staleSource } from './stale-build';

const changed = staleSource(fileURLToPath(import.meta.url));
if (changed) process.stderr.write(`strata: ${changed} changed after this executable was built; run npm run build:cli (npm run strata -- … always runs the current sources)\n`);

runCli(process.argv.slice(2)).then(finishCli);
