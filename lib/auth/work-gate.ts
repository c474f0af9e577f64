/**
 * At most `concurrency` pieces of work at a time, with at most `queue` waiting for a turn;
 * past that, `run` refuses at once (GateFull) instead of piling up. Sign-in uses two: one
 * for its short database work (so a burst of sign-ins never holds more than a few of the
 * console pool's connections) and one for scrypt (each hash takes 32 MiB and tens of
 * milliseconds of a core).
 */
export class GateFull extends Error {
  constructor(readonly gate: string) {
    super(`${gate}: too many waiting`);
  }
}

export class WorkGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly concurrency: number,
    readonly queue: number,
  ) {}

  /** How many are running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** `queued: 'always'` waits for a turn however long the queue (for work that must be done, such as recording an outcome). */
  async run<T>(work: () => Promise<T>, queued: 'bounded' | 'always' = 'bounded'): Promise<T> {
    if (this.running >= this.concurrency) {
      if (queued === 'bounded' && this.waiting.length >= this.queue) throw new GateFull(this.name);
      // The finishing work hands its place over directly, so `running` never dips and a newcomer cannot overtake.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
