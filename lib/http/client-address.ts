import { BlockList, isIP } from 'node:net';
import { StrataError } from '../errors';

/**
 * Who is asking, as far as the network can tell. The address is the TCP peer's, unless
 * that peer is a proxy named in STRATA_TRUSTED_PROXIES: then X-Forwarded-For is walked
 * from the right, skipping trusted hops, and the first untrusted entry is the client. A
 * client can write anything into X-Forwarded-For, but only a trusted proxy's own entry
 * (the rightmost it appends) is believed, so forged entries to its left are never reached.
 *
 * The front door (lib/http/front-door.ts) computes the address once per request and hands
 * it to the app in CLIENT_ADDRESS_HEADER, replacing anything the client sent under that
 * name. The app believes that header only when the front door runs in this process (a
 * process-global marker): under a bare `next start` or `next dev` the address is
 * `unknown`, never a header a client chose.
 */

export const CLIENT_ADDRESS_HEADER = 'x-strata-client-address';
export const UNKNOWN_ADDRESS = 'unknown';

/** The addresses and networks whose X-Forwarded-For entries are believed; null when none are. */
export type TrustedProxies = BlockList | null;

/**
 * Parses STRATA_TRUSTED_PROXIES: comma-separated IPv4/IPv6 addresses or CIDRs, e.g.
 * `10.0.0.0/8, 127.0.0.1, fd00::/8`. Throws BAD_USAGE naming the entry it cannot read.
 */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const entries = (value ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? null : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== null && (!/^\d{1,3}$/.test(prefix!) || bits > maxBits))) {
      throw new StrataError('BAD_USAGE', `STRATA_TRUSTED_PROXIES: "${entry.slice(0, 60)}" is not an IPv4/IPv6 address or CIDR (e.g. 10.0.0.0/8, ::1)`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === null) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return list;
}

/**
 * An address as one canonical string, or null when it is not an IP address: IPv4-mapped
 * IPv6 (`::ffff:127.0.0.1`, how a dual-stack socket reports an IPv4 peer) becomes plain
 * IPv4; brackets and a port (`[::1]:80`, `1.2.3.4:5678`), which some proxies write, are dropped.
 */
export function normalizeAddress(raw: string | undefined | null): string | null {
  let value = (raw ?? '').trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  if (mapped) value = mapped[1]!;
  const family = isIP(value);
  if (family === 0) return null;
  return family === 6 ? value.toLowerCase() : value;
}

function isTrusted(address: string, trusted: TrustedProxies): boolean {
  return trusted !== null && trusted.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** Whether the TCP peer is a trusted proxy (whose forwarded headers may be believed). */
export function peerIsTrusted(socketAddress: string | undefined, trusted: TrustedProxies): boolean {
  const peer = normalizeAddress(socketAddress);
  return peer !== null && isTrusted(peer, trusted);
}

/**
 * The client's address: the socket's, or — when the socket's peer is trusted — the
 * rightmost untrusted X-Forwarded-For entry. An entry that is not an address stops the
 * walk at the trusted hop that wrote it (a value that is not an address is never believed);
 * when every hop is trusted, the leftmost is the client.
 */
export function clientAddressOf(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  const peer = normalizeAddress(socketAddress);
  if (peer === null) return UNKNOWN_ADDRESS;
  if (!isTrusted(peer, trusted)) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',').map((h) => h.trim()).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i]);
    if (hop === null) return client;
    client = hop;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return client;
}

// A process-global marker (Symbol.for: the server and the app's bundles are loaded separately
// but share one process), set by the front door before it serves anything.
const presentKey = Symbol.for('strata.front-door.present');

/** Called by the console server: from now on the app believes CLIENT_ADDRESS_HEADER. */
export function markFrontDoorPresent(): void {
  (globalThis as unknown as Record<symbol, boolean>)[presentKey] = true;
}

export function frontDoorPresent(): boolean {
  return (globalThis as unknown as Record<symbol, boolean | undefined>)[presentKey] === true;
}

/** For the app: the address the front door determined, or `unknown` without a front door. */
export function requestClientAddress(headers: { get(name: string): string | null } | undefined | null): string {
  if (!frontDoorPresent()) return UNKNOWN_ADDRESS;
  return normalizeAddress(headers?.get(CLIENT_ADDRESS_HEADER)) ?? UNKNOWN_ADDRESS;
}

/** Test support: forget the marker. */
export function forgetFrontDoor(): void {
  delete (globalThis as unknown as Record<symbol, boolean | undefined>)[presentKey];
}
