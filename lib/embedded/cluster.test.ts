import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { embeddedSettings, embeddedUrl } from '../config/embedded-settings';
import { startCluster } from './cluster';
import { freePort } from '../../test/support/free-port';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function freshSettings(port: number) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cluster-'));
  fs.chmodSync(home, 0o755);
  return embeddedSettings({ STRATA_HOME: home, STRATA_EMBEDDED_PORT: String(port) }, root);
}


async function canQuery(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    return (await sql`select 1 as one`)[0]?.one === 1;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe('embedded PostgreSQL lifecycle', () => {
  it('initialises, stops, and starts again on the same data', async () => {
    const settings = freshSettings(await freePort());
    const first = await startCluster(settings);
    expect(first.created).toBe(true);
    const url = embeddedUrl(settings, 'postgres');
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`create table kept (id int)`;
    expect((await sql`show server_encoding`)[0]!.server_encoding).toBe('UTF8');
    await sql.end();
    await first.stop();
    expect(fs.statSync(settings.dataDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(settings.home).mode & 0o777).toBe(0o755);
    const second = await startCluster(settings);
    expect(second.created).toBe(false);
    const again = postgres(url, { max: 1 });
    expect((await again`select to_regclass('kept') is not null as ok`)[0]!.ok).toBe(true);
    await again.end();
    await second.stop();
  });

  it('says which port is taken instead of failing silently', async () => {
    // A port the OS hands out: a fixed one can already be some connection's ephemeral port.
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const settings = freshSettings(port);
    try {
      await expect(startCluster(settings)).rejects.toThrow(new RegExp(`Port ${port} is already in use.*STRATA_EMBEDDED_PORT`));
    } finally {
      blocker.close();
    }
  });

  it('recovers after the owning Node process was SIGKILLed (orphaned server, postmaster.pid left behind)', async () => {
    const port = await freePort();
    const settings = freshSettings(port);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/support/cluster-child.ts')], {
      cwd: root,
      env: { ...process.env, STRATA_HOME: settings.home, STRATA_EMBEDDED_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => String(d).includes('READY') && resolve());
      child.once('exit', () => reject(new Error('child exited early')));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(fs.existsSync(path.join(settings.dataDir, 'postmaster.pid'))).toBe(true);
    const url = embeddedUrl(settings, 'postgres');
    expect(await canQuery(url)).toBe(true); // the orphan still serves
    const cluster = await startCluster(settings);
    expect(await canQuery(url)).toBe(true);
    await cluster.stop();
    expect(await canQuery(url)).toBe(false);
  });

  it('starts despite a stale postmaster.pid naming a dead process', async () => {
    const settings = freshSettings(await freePort());
    await (await startCluster(settings)).stop();
    fs.writeFileSync(path.join(settings.dataDir, 'postmaster.pid'), '999999\n/tmp\n');
    const cluster = await startCluster(settings);
    expect(await canQuery(embeddedUrl(settings, 'postgres'))).toBe(true);
    await cluster.stop();
  });
});
