import { z } from 'zod';

/**
 * What the ERD shows, as a URL query string: a link (or a named view) reproduces the view.
 * One canonical form — lists sorted, defaults left out — so two equal views give the same
 * string, and a saved view can be compared with the current one.
 *
 * Table ids are `schema.name` and may hold any character PostgreSQL allows in an identifier
 * (commas included), so lists are repeated parameters (`hide=a&hide=b`), never joined.
 *
 * | parameter    | meaning                                             | default |
 * |--------------|-----------------------------------------------------|---------|
 * | `hide`       | a schema hidden by the schema filter (repeated)     | none    |
 * | `bookkeeping`| `1`: Strata's own bookkeeping tables are shown      | off     |
 * | `focus`      | the table focus mode is centred on                  | none    |
 * | `hops`       | focus depth, 1–3                                    | 1       |
 * | `from`, `to` | the two ends of a found path                        | none    |
 * | `open`       | an expanded cluster's id (repeated)                 | none    |
 * | `table`      | the table whose side panel is open                  | none    |
 * | `keys`       | `1`: keys-only columns                              | off     |
 * | `inferred`   | `0`: inferred relationships hidden                  | shown   |
 */
export interface ErdViewState {
  hidden: string[];
  bookkeeping: boolean;
  focus: { tableId: string; hops: 1 | 2 | 3 } | null;
  path: { from: string; to: string } | null;
  expanded: string[];
  selected: string | null;
  keysOnly: boolean;
  inferred: boolean;
}

export const DEFAULT_VIEW_STATE: ErdViewState = {
  hidden: [],
  bookkeeping: false,
  focus: null,
  path: null,
  expanded: [],
  selected: null,
  keysOnly: false,
  inferred: true,
};

/** Longest id accepted: a schema and a table name of 63 bytes each, with room for a `cluster:` prefix. */
const MAX_ID = 200;
/** More than this many entries in one list is not a view anybody made by hand. */
const MAX_LIST = 500;

const id = z.string().min(1).max(MAX_ID);
const flag = z.enum(['0', '1']);

const paramsSchema = z
  .object({
    hide: z.array(id).max(MAX_LIST),
    bookkeeping: flag.optional(),
    focus: id.optional(),
    hops: z.enum(['1', '2', '3']).optional(),
    from: id.optional(),
    to: id.optional(),
    open: z.array(id).max(MAX_LIST),
    table: id.optional(),
    keys: flag.optional(),
    inferred: flag.optional(),
  })
  .strict();

const KNOWN = new Set(Object.keys(paramsSchema.shape));
const LISTS = new Set(['hide', 'open']);

export type ViewStateResult = { ok: true; state: ErdViewState } | { ok: false; problem: string };

/**
 * Reads a view from query parameters. Unknown parameters are ignored (a link may carry
 * others, such as `view=<named view id>`); a known one with a bad value is a problem that names
 * the parameter, so a mangled link says why it shows the default view.
 */
export function parseViewState(params: URLSearchParams): ViewStateResult {
  const raw: Record<string, string | string[]> = { hide: [], open: [] };
  for (const key of new Set(params.keys())) {
    if (!KNOWN.has(key)) continue;
    const values = params.getAll(key);
    if (LISTS.has(key)) raw[key] = values;
    else if (values.length > 1) return { ok: false, problem: `“${key}” is given ${values.length} times` };
    else raw[key] = values[0]!;
  }
  const parsed = paramsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `“${String(issue.path[0] ?? '?')}”: ${issue.message}` };
  }
  const p = parsed.data;
  if ((p.from === undefined) !== (p.to === undefined)) return { ok: false, problem: 'a path needs both “from” and “to”' };
  if (p.hops !== undefined && p.focus === undefined) return { ok: false, problem: '“hops” needs “focus”' };
  return {
    ok: true,
    state: {
      hidden: sortedUnique(p.hide),
      bookkeeping: p.bookkeeping === '1',
      focus: p.focus ? { tableId: p.focus, hops: Number(p.hops ?? '1') as 1 | 2 | 3 } : null,
      // A path wins over focus, as in the diagram: finding a path leaves focus mode.
      path: p.from && p.to ? { from: p.from, to: p.to } : null,
      expanded: sortedUnique(p.open),
      selected: p.table ?? null,
      keysOnly: p.keys === '1',
      inferred: p.inferred !== '0',
    },
  };
}

/** The canonical query string (no leading `?`; empty for the default view). */
export function serializeViewState(state: ErdViewState): string {
  const out = new URLSearchParams();
  for (const schema of sortedUnique(state.hidden)) out.append('hide', schema);
  if (state.bookkeeping) out.set('bookkeeping', '1');
  if (state.path) {
    out.set('from', state.path.from);
    out.set('to', state.path.to);
  } else if (state.focus) {
    out.set('focus', state.focus.tableId);
    if (state.focus.hops !== 1) out.set('hops', String(state.focus.hops));
  }
  for (const cluster of sortedUnique(state.expanded)) out.append('open', cluster);
  if (state.selected) out.set('table', state.selected);
  if (state.keysOnly) out.set('keys', '1');
  if (!state.inferred) out.set('inferred', '0');
  return out.toString();
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
