import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Builds the `strata` executable from the current sources with the script `npm install`
 * runs (scripts/build-cli.mjs) into `outfile`, so a test never runs a stale dist/. The file
 * must sit inside a checkout: its external packages resolve from node_modules above it.
 */
export function buildCli(outfile: string, cwd = root): string {
  const build = spawnSync(process.execPath, [path.join(cwd, 'scripts/build-cli.mjs'), '--out', outfile], { cwd, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build-cli.mjs failed (${build.status}): ${build.stderr}`);
  return outfile;
}
