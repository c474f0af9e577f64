import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW_STATE, parseViewState, serializeViewState, type ErdViewState } from './view-state';

const parse = (query: string) => parseViewState(new URLSearchParams(query));

describe('ERD view state in the URL', () => {
  it('the default view is the empty query, and back', () => {
    expect(serializeViewState(DEFAULT_VIEW_STATE)).toBe('');
    expect(parse('')).toEqual({ ok: true, state: DEFAULT_VIEW_STATE });
  });

  it('round-trips every field, with table names holding commas, spaces, quotes and ampersands', () => {
    const state: ErdViewState = {
      hidden: ['risk', 'audit'],
      bookkeeping: true,
      focus: null,
      path: { from: 'public.projects', to: 'public."odd, name & more"' },
      expanded: ['cluster:public.projects', 'cluster:public.ci_builds'],
      selected: 'public.a b',
      keysOnly: true,
      inferred: false,
    };
    const query = serializeViewState(state);
    const back = parse(query);
    expect(back).toEqual({ ok: true, state: { ...state, hidden: ['audit', 'risk'], expanded: ['cluster:public.ci_builds', 'cluster:public.projects'] } });
    // Canonical: the same view in another order is the same string.
    expect(serializeViewState({ ...state, hidden: ['audit', 'risk', 'risk'] })).toBe(query);
  });

  it('focus with its hops; a path wins over focus', () => {
    expect(parse('focus=platform.users&hops=2')).toMatchObject({ ok: true, state: { focus: { tableId: 'platform.users', hops: 2 } } });
    expect(serializeViewState({ ...DEFAULT_VIEW_STATE, focus: { tableId: 'platform.users', hops: 1 } })).toBe('focus=platform.users');
    expect(serializeViewState({ ...DEFAULT_VIEW_STATE, focus: { tableId: 'a.b', hops: 3 }, path: { from: 'a.b', to: 'a.c' } })).toBe('from=a.b&to=a.c');
  });

  it('ignores parameters it does not know (a link may carry others)', () => {
    expect(parse('view=42&utm=x&keys=1')).toMatchObject({ ok: true, state: { keysOnly: true } });
  });

  it('names the parameter when a value is bad', () => {
    expect(parse('hops=4&focus=a.b')).toEqual({ ok: false, problem: expect.stringMatching(/“hops”/) });
    expect(parse('keys=yes')).toEqual({ ok: false, problem: expect.stringMatching(/“keys”/) });
    expect(parse('from=a.b')).toEqual({ ok: false, problem: expect.stringMatching(/both “from” and “to”/) });
    expect(parse('hops=2')).toEqual({ ok: false, problem: expect.stringMatching(/“hops” needs “focus”/) });
    expect(parse('table=a.b&table=a.c')).toEqual({ ok: false, problem: expect.stringMatching(/“table” is given 2 times/) });
    expect(parse(`table=${'x'.repeat(201)}`)).toEqual({ ok: false, problem: expect.stringMatching(/“table”/) });
    expect(parse('focus=')).toEqual({ ok: false, problem: expect.stringMatching(/“focus”/) });
    expect(parse(Array.from({ length: 501 }, (_, i) => `open=c${i}`).join('&'))).toEqual({ ok: false, problem: expect.stringMatching(/“open”/) });
  });
});
