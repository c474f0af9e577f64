import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportedMethods, isRouteFile, routePath, sourceFiles } from '../../test/support/route-files';
import { API_ENDPOINTS, openApiDocument } from './openapi';

describe('the OpenAPI document', () => {
  it('lists every method of every route handler, and nothing the code does not serve (next-auth aside)', () => {
    const served = sourceFiles('app')
      .map((file) => path.relative('.', file))
      .filter(isRouteFile)
      .filter((file) => !file.startsWith('app/api/auth/'))
      .flatMap((file) => exportedMethods(fs.readFileSync(file, 'utf8')).map((method) => `${method.toLowerCase()} ${routePath(file)}`))
      .sort();
    expect(served.length).toBeGreaterThan(10);
    expect(API_ENDPOINTS.map((e) => `${e.method} ${e.path}`).sort()).toEqual(served);
  });

  it('describes each body with the schema its door validates with', () => {
    const doc = openApiDocument('1.2.3') as { openapi: string; info: { version: string }; paths: Record<string, Record<string, any>> };
    expect(doc).toMatchObject({ openapi: '3.0.3', info: { version: '1.2.3' } });
    const operations = doc.paths['/api/environments/{env}/operations']!;
    const body = operations.post.requestBody.content['application/json'].schema;
    expect(body).toMatchObject({ type: 'object', additionalProperties: false, required: ['kind', 'direction'] });
    expect(body.properties.kind.enum).toEqual(['dry-run', 'run']);
    expect(body.properties.expect.items.properties.checksum.pattern).toBe('^[0-9a-f]{64}$|^no-rollback-file$');
    expect(operations.post.parameters).toEqual([{ name: 'env', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(operations.get.requestBody).toBeUndefined();
    expect(doc.paths['/api/users/{username}']!.post.requestBody.content['application/json'].schema.anyOf).toHaveLength(2);
    const views = doc.paths['/api/environments/{env}/views']!.post.requestBody.content['application/json'].schema;
    expect(views).toMatchObject({ type: 'object', additionalProperties: false, required: ['name', 'state'] });
    expect(views.properties.name).toMatchObject({ type: 'string', maxLength: 80 });
    expect(doc.paths['/api/environments/{env}/views/{id}']!.delete.requestBody).toBeUndefined();
    expect(doc.paths['/api/operations/{id}']!.get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:after']);
  });

  it('maps route files to URL paths', () => {
    expect(routePath('app/api/environments/[env]/schema/export/route.ts')).toBe('/api/environments/{env}/schema/export');
    expect(routePath('app/api/auth/[...nextauth]/route.ts')).toBe('/api/auth/{nextauth}');
    expect(routePath('app/api/openapi.json/route.ts')).toBe('/api/openapi.json');
  });
});
