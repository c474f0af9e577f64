import fs from 'node:fs';
import path from 'node:path';

/**
 * Whether the built executable is older than the sources it was built from. In a checkout,
 * someone who edits lib/ and runs `npx strata` without `npm run build:cli` would otherwise
 * run yesterday's code without knowing. scripts/build-cli.mjs writes the list of sources
 * beside the bundle; a stat of each costs a few milliseconds. Without the list (or the
 * sources, in an installed package), nothing is checked.
 */
export function staleSource(bundleFile: string): string | null {
  let manifest: { root: string; sources: string[] };
  let builtAt: number;
  try {
    manifest = JSON.parse(fs.readFileSync(`${bundleFile}.sources.json`, 'utf8'));
    // The bundle's own modification time, not a clock reading: both come from the file system.
    builtAt = fs.statSync(bundleFile).mtimeMs;
  } catch {
    return null;
  }
  const root = path.resolve(path.dirname(bundleFile), manifest.root);
  for (const source of manifest.sources) {
    try {
      if (fs.statSync(path.join(root, source)).mtimeMs > builtAt) return source;
    } catch {
      // A source removed since the build: the next build will notice; nothing to compare here.
    }
  }
  return null;
}
