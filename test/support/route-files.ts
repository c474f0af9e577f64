import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's route handlers as the code declares them: the door discovery of the access
 * tests (e2e/access.spec.ts) and the OpenAPI test read them the same way.
 */

/** Source files of the project (not dependencies, builds or test output). */
export function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', '.next', '.git', '.strata', 'test-results', 'playwright-report'].includes(entry.name) ? [] : sourceFiles(full);
    return /\.(m?[jt]sx?)$/.test(entry.name) ? [full] : [];
  });
}

/** The HTTP methods a route file exports, however it spells them. */
export function exportedMethods(text: string): string[] {
  const methods = new Set<string>();
  const METHOD = /\b(GET|HEAD|OPTIONS|POST|PUT|PATCH|DELETE)\b/g;
  // export async function POST / export function POST / export const POST = …
  for (const m of text.matchAll(/export\s+(?:async\s+)?(?:function\s*\*?|const|let|var)\s+(GET|HEAD|OPTIONS|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]!);
  // export const { GET, POST } = handlers / export { POST } / export { handler as POST } / export { POST } from './x'
  for (const m of text.matchAll(/export\s+(?:const|let|var)\s*\{([^}]*)\}\s*=/g)) for (const n of m[1]!.matchAll(METHOD)) methods.add(n[1]!);
  for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) for (const n of m[1]!.matchAll(/(?:\bas\s+|^|,)\s*(GET|HEAD|OPTIONS|POST|PUT|PATCH|DELETE)\b/g)) methods.add(n[1]!);
  if (/export\s*\*\s*from/.test(text)) methods.add('*');
  return [...methods];
}

/** Whether a repository-relative path is an App Router route handler. */
export const isRouteFile = (relative: string) => /^app\/.*\/route\.[mc]?[jt]sx?$/.test(relative);

/** The URL path of a route file: app/api/environments/[env]/route.ts → /api/environments/{env}. */
export function routePath(relative: string): string {
  return (
    '/' +
    path
      .dirname(relative)
      .split('/')
      .slice(1)
      .filter((segment) => !/^\(.*\)$/.test(segment))
      .map((segment) => segment.replace(/^\[(?:\.\.\.)?(\w+)\]$/, '{$1}'))
      .join('/')
  );
}
