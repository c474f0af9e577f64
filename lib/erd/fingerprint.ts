/**
 * 64-bit FNV-1a over UTF-16 code units, for layout keys: synchronous and pure (no Web Crypto),
 * the same in the browser and in Node, and 64 bits keep accidental collisions out of reach at
 * 2,000-table scale. Computed as two 32-bit halves so the hot loop needs no BigInt.
 */
export class Fnv1a64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  add(text: string): this {
    for (let i = 0; i < text.length; i++) this.mix(text.charCodeAt(i));
    this.mix(0xffff); // field separator, so ("ab","c") and ("a","bc") differ
    return this;
  }

  hex(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }

  private mix(unit: number): void {
    this.lo ^= unit;
    // Multiply by the FNV prime 0x100000001b3 = 2^40 + 0x1b3, in 32-bit halves.
    const lo = this.lo >>> 0;
    const hi = this.hi >>> 0;
    const loTimesPrime = lo * 0x1b3;
    const newLo = loTimesPrime >>> 0;
    const carry = Math.floor(loTimesPrime / 0x100000000);
    const newHi = (hi * 0x1b3 + (lo << 8) + carry) >>> 0;
    this.lo = newLo;
    this.hi = newHi;
  }
}
