import { StrataError } from '../errors';

/** One wave's cumulative size: a count of targets, or a percentage of all of them. */
export type WaveSize = { count: number } | { percent: number };

/**
 * `--waves 1,10%,100%`: cumulative sizes — 1 target, then up to 10% in all, then the rest.
 * Each must be a whole count ≥ 1 or a percentage in (0, 100], and none may be smaller than
 * the one before (a wave that shrinks is a typo, not a plan). The last wave always takes the
 * rest, so `1,10%` still reaches every target.
 */
export function parseWaves(text: string): WaveSize[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new StrataError('BAD_USAGE', `--waves takes sizes separated by commas, like 1,10%,100% (got "${text}")`);
  const sizes = parts.map((part): WaveSize => {
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(part);
    if (percent) {
      const value = Number(percent[1]);
      if (!(value > 0 && value <= 100)) throw new StrataError('BAD_USAGE', `--waves: ${part} is not a share of the fleet (more than 0%, at most 100%)`);
      return { percent: value };
    }
    if (!/^\d+$/.test(part)) throw new StrataError('BAD_USAGE', `--waves: "${part}" is neither a number of targets nor a percentage (like 1,10%,100%)`);
    const count = Number(part);
    if (count < 1) throw new StrataError('BAD_USAGE', `--waves: a wave of ${part} targets starts nothing; the first wave needs at least 1`);
    return { count };
  });
  return sizes;
}

/**
 * The wave (0-based) of each of `total` targets in name order. Sizes are cumulative and
 * checked against the fleet: decreasing sizes are refused; sizes that add no target
 * (10% of 5 is below 1) are merged into the next; the last wave takes the rest.
 */
export function assignWaves(sizes: WaveSize[], total: number): number[] {
  const cumulative = sizes.map((s) => ('count' in s ? Math.min(s.count, total) : Math.min(total, Math.max(1, Math.ceil((s.percent / 100) * total)))));
  const ends: number[] = [];
  sizes.forEach((size, i) => {
    const raw = 'count' in size ? size.count : size.percent;
    const previous = sizes[i - 1];
    if (previous && 'count' in size === 'count' in previous) {
      const before = 'count' in previous ? previous.count : previous.percent;
      if (raw < before) throw new StrataError('BAD_USAGE', `--waves must not decrease: ${describe(size)} comes after ${describe(previous)} (sizes are cumulative)`);
    }
    if (i > 0 && cumulative[i]! < cumulative[i - 1]!) throw new StrataError('BAD_USAGE', `--waves must not decrease: ${describe(size)} (${cumulative[i]} of ${total} targets) comes after ${describe(previous!)} (${cumulative[i - 1]})`);
    if (cumulative[i]! > (ends.at(-1) ?? 0)) ends.push(cumulative[i]!);
  });
  if ((ends.at(-1) ?? 0) < total) ends.push(total);
  const waves: number[] = [];
  let wave = 0;
  for (let index = 0; index < total; index++) {
    while (index >= ends[wave]!) wave++;
    waves.push(wave);
  }
  return waves;
}

function describe(size: WaveSize): string {
  return 'count' in size ? String(size.count) : `${size.percent}%`;
}

/** `[1, 10%, 100%]` as the flag spells it. */
export function wavesText(sizes: WaveSize[]): string {
  return sizes.map(describe).join(',');
}
