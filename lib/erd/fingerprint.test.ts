import { describe, expect, it } from 'vitest';
import { Fnv1a64 } from './fingerprint';

/** The textbook 64-bit FNV-1a with BigInt, field separator 0xffff after each part. */
function reference(parts: string[]): string {
  let hash = 0xcbf29ce484222325n;
  const mix = (unit: number) => {
    hash ^= BigInt(unit);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) mix(part.charCodeAt(i));
    mix(0xffff);
  }
  return hash.toString(16).padStart(16, '0');
}

describe('Fnv1a64', () => {
  it('matches the BigInt reference on ASCII, unicode and surrogate pairs', () => {
    for (const parts of [[''], ['a'], ['platform.users', 's:org_id'], ['café "menu"', '日本語', '😀']]) {
      const hash = new Fnv1a64();
      for (const part of parts) hash.add(part);
      expect(hash.hex()).toBe(reference(parts));
    }
  });

  it('separates fields, so ("ab", "c") and ("a", "bc") differ', () => {
    expect(new Fnv1a64().add('ab').add('c').hex()).not.toBe(new Fnv1a64().add('a').add('bc').hex());
  });
});
