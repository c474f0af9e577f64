import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from './passwords';

describe('passwords', () => {
  it('hash as scrypt$15$8$1$<salt>$<hash> with a 16-byte salt and a 64-byte key', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const parts = stored.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '15', '8', '1']);
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(64);
    expect(stored).not.toContain('correct horse');
  });

  it('verify the right password and refuse a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salt every hash: the same password hashes differently twice', async () => {
    const a = await hashPassword('the same password');
    const b = await hashPassword('the same password');
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await verifyPassword('the same password', b)).toBe(true);
  });

  it('treat malformed or tampered stored values as a mismatch, never an error', async () => {
    const stored = await hashPassword('correct horse battery staple');
    for (const bad of ['', 'plain', 'bcrypt$x', stored.replace('scrypt$15', 'scrypt$40'), stored.replace(/\$[^$]+$/, '$AAAA'), 'scrypt$15$8$1$$']) {
      expect(await verifyPassword('correct horse battery staple', bad)).toBe(false);
    }
  });

  it('generate long url-safe passwords, different each time', () => {
    const seen = new Set(Array.from({ length: 50 }, generatePassword));
    expect(seen.size).toBe(50);
    for (const p of seen) expect(p).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });
});
