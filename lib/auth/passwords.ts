import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (node:crypto): N = 2^15, r = 8, p = 1, a 16-byte random salt
 * and a 64-byte key, stored as `scrypt$15$8$1$<salt base64>$<hash base64>` so the cost can
 * be raised later without breaking stored hashes. Plain passwords are never logged or kept.
 */

const LOG_N = 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 64;

function derive(plain: string, salt: Uint8Array<ArrayBuffer>, logN: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(plain.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Plain bytes (this TypeScript's Buffer type is not an ArrayBufferView for node:crypto). */
function bytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buffer);
}

export async function hashPassword(plain: string): Promise<string> {
  const salt = bytes(randomBytes(SALT_BYTES));
  const key = await derive(plain, salt, LOG_N, R, P, KEY_BYTES);
  return `scrypt$${LOG_N}$${R}$${P}$${Buffer.from(salt).toString('base64')}$${key.toString('base64')}`;
}

/** True when `plain` matches `stored`; false (never an error) for anything malformed. */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  const parts = typeof stored === 'string' ? stored.split('$') : [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // Bounds keep a corrupted row from asking for gigabytes of memory.
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = bytes(Buffer.from(parts[4]!, 'base64'));
  const expected = bytes(Buffer.from(parts[5]!, 'base64'));
  if (salt.length < 8 || expected.length < 16 || expected.length > 256) return false;
  const actual = await derive(plain, salt, logN, r, p, expected.length);
  return timingSafeEqual(bytes(actual), expected);
}

/** A random password for a new user, shown once: 24 url-safe characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
