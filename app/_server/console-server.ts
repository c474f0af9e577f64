import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../lib/config/environments';
import { auditRefusal } from '../../lib/console/refusals';
import { isStrataError } from '../../lib/errors';
import { markFrontDoorPresent } from '../../lib/http/client-address';
import { createFrontDoor, frontDoorSettings, type DoorRefusal } from '../../lib/http/front-door';
import { engineLogger } from '../../lib/observability/logger';

/**
 * The console's HTTP server: the production build of Next.js, through its custom-server API
 * (`next({ dev: false, dir, hostname, port })`, `getRequestHandler()`), behind the front door
 * (lib/http/front-door.ts). A custom server because Next.js offers no API for the
 * connection's address: `next start` fills X-Forwarded-For from the socket only when the
 * client did not send one, so a client-sent header would win.
 *
 * `npm start` (lib/cli/start.ts) runs this file as its own process; HOST (default
 * localhost) and PORT (default 3000) as for `next start`. In a private folder (`_server`):
 * never routed.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const say = (line: string) => process.stdout.write(`[strata] ${line}\n`);

async function main(): Promise<void> {
  // React and Next pick their production builds from this, as under `next start` (declared read-only by Next's types).
  (process.env as Record<string, string | undefined>).NODE_ENV ??= 'production';
  const settings = frontDoorSettings();
  const config = loadConfig();
  const hostname = process.env.HOST || 'localhost';
  const port = Number(process.env.PORT || 3000);

  const { default: next } = await import('next');
  const app = next({ dev: false, dir: root, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const onRefusal = (refusal: DoorRefusal) => {
    engineLogger().warn({ status: refusal.status, code: refusal.code, method: refusal.method, path: refusal.path, source: refusal.source }, refusal.message);
    // Refused before any session was read: the caller is not known yet.
    void auditRefusal(config, { actor: '(anonymous)', role: '-', action: `${refusal.method} ${refusal.path}`, detail: `${refusal.message} (at the front door)`, source: refusal.source });
  };
  markFrontDoorPresent();
  const server = http.createServer(createFrontDoor(settings, (req, res) => handle(req, res), onRefusal));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, resolve);
  });
  const proxies = process.env.STRATA_TRUSTED_PROXIES?.trim();
  say(`Console listening on http://${hostname}:${port} (client addresses: ${proxies ? `X-Forwarded-For from ${proxies}` : 'the connection'}; bodies up to ${settings.maxBodyBytes} bytes)`);

  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', close);
  process.on('SIGTERM', close);
}

main().catch((error: unknown) => {
  const message = isStrataError(error)
    ? error.message
    : (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE'
      ? `Port ${process.env.PORT || 3000} is in use: set PORT`
      : ((error as Error)?.stack ?? String(error));
  process.stderr.write(`[strata] ${message}\n`);
  process.exit(1);
});
