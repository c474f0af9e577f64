import { describe, expect, it } from 'vitest';
import { assignWaves, parseWaves } from './rollout-waves';

describe('waves', () => {
  it('are cumulative counts or shares of the targets in name order; the last wave takes the rest', () => {
    expect(assignWaves(parseWaves('1,10%,100%'), 30)).toEqual([0, 1, 1, ...Array(27).fill(2)]);
    expect(assignWaves(parseWaves('1,3,10,100%'), 30)).toEqual([0, 1, 1, ...Array(7).fill(2), ...Array(20).fill(3)]);
    expect(assignWaves(parseWaves('2'), 5)).toEqual([0, 0, 1, 1, 1]);
    // A wave that adds no target (10% of 5 is below 2) is merged into the next.
    expect(assignWaves(parseWaves('1,10%,100%'), 5)).toEqual([0, 1, 1, 1, 1]);
    expect(assignWaves(parseWaves('50,100%'), 3)).toEqual([0, 0, 0]);
  });

  it.each([
    ['0', /at least 1/],
    ['150%', /at most 100%/],
    ['0%', /more than 0%/],
    ['abc', /neither a number of targets nor a percentage/],
    ['1,,2', /separated by commas/],
    ['-1', /neither/],
  ])('refuse %s, naming the problem', (text, message) => {
    expect(() => parseWaves(text)).toThrow(message);
  });

  it('refuse sizes that decrease', () => {
    expect(() => assignWaves(parseWaves('10,3'), 30)).toThrow(/must not decrease/);
    expect(() => assignWaves(parseWaves('50%,10%'), 30)).toThrow(/must not decrease/);
    expect(() => assignWaves(parseWaves('20,10%'), 30)).toThrow(/must not decrease/);
  });
});
