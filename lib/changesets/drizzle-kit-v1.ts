import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { StrataError } from '../errors';

/** drizzle-kit 1.0's programmatic SQL generation (drizzle-kit/api-postgres): the SQL taking schema `prev` to `cur`. */
export interface DrizzleKitV1Api {
  generateMigration(prev: unknown, cur: unknown): Promise<string[]>;
}

type ResolveFilename = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;

/**
 * Loads drizzle-kit 1.0's `api-postgres`, the code drizzle-kit generate itself uses, so a draft
 * is the SQL drizzle-kit would write. First the project's own drizzle-kit when it is 1.0 (a
 * drizzle-kit 1.0 project installs it beside drizzle-orm 1.0); else the `drizzle-kit-v1` alias
 * beside Strata (its devDependency). That alias needs `drizzle-orm` 1.0 where Strata's own
 * `drizzle-orm` is 0.45, so requests for drizzle-orm coming from inside the alias's folder —
 * and only those — resolve to the `drizzle-orm-v1` alias.
 */
export function loadDrizzleKitV1(projectDir: string): DrizzleKitV1Api {
  const fromProject = tryProjectKit(projectDir);
  if (fromProject) return fromProject;
  const require = createRequire(path.join(process.cwd(), 'package.json'));
  let apiFile: string;
  try {
    apiFile = require.resolve('drizzle-kit-v1/api-postgres');
  } catch {
    throw new StrataError(
      'INVALID_STATE',
      `draft-rollback needs drizzle-kit 1.0: install it in the project (${path.relative(process.cwd(), projectDir) || '.'}), e.g. npm install --save-dev drizzle-kit@rc drizzle-orm@rc`,
    );
  }
  redirectDrizzleOrm(path.dirname(apiFile));
  return require(apiFile) as DrizzleKitV1Api;
}

function tryProjectKit(projectDir: string): DrizzleKitV1Api | null {
  const require = createRequire(path.join(path.resolve(projectDir), 'package.json'));
  try {
    const apiFile = require.resolve('drizzle-kit/api-postgres');
    const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(apiFile), 'package.json'), 'utf8')) as { version?: string };
    if (!manifest.version?.startsWith('1.')) return null;
    return require(apiFile) as DrizzleKitV1Api;
  } catch {
    return null;
  }
}

let redirected = false;

function redirectDrizzleOrm(kitDir: string): void {
  if (redirected) return;
  redirected = true;
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request, parent, ...rest) {
    const fromKit = parent?.filename?.startsWith(kitDir + path.sep) ?? false;
    const target = fromKit && (request === 'drizzle-orm' || request.startsWith('drizzle-orm/')) ? `drizzle-orm-v1${request.slice('drizzle-orm'.length)}` : request;
    return original.call(this, target, parent, ...rest);
  };
}
