import { z } from 'zod';
import { StrataError } from '../errors';
import { parseViewState, serializeViewState } from '../erd/view-state';

/**
 * What a named ERD view is made of, checked the same way at the door (api-schemas.ts, zod) and
 * in the store (erd-views.ts). No database here: the ERD's components read the limits too.
 */

export const VIEW_NAME_MAX = 80;
/** A layout of more tables than any schema shown here (GitLab: 1,048) is not one anybody arranged. */
export const MAX_POSITIONS = 5000;
/** A table id (`schema.name`) or a cluster id, as long as view-state accepts. */
const POSITION_KEY_MAX = 200;
/** A table's position in a view's layout, keyed by table id. */
export type Positions = Record<string, { x: number; y: number }>;

/** A view's query string: view-state's own lists are bounded; this bounds the text before it is parsed. */
export const VIEW_STATE_MAX = 65_536;

/** A name as people type it: trimmed, 1–80 characters, no control characters. Shown as text, never markup. */
export const viewNameSchema = z
  .string()
  .trim()
  .min(1, 'a view needs a name')
  .max(VIEW_NAME_MAX, `a view's name has at most ${VIEW_NAME_MAX} characters`)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'a view name has no control characters');

/** A view's query string as the ERD's URL carries it (a leading `?` allowed). */
const parseQuery = (query: string) => parseViewState(new URLSearchParams(query.startsWith('?') ? query.slice(1) : query));

const stateMessage = (problem: string) => `The view's state is not valid: ${problem}`;

/** The view's query string (view-state's canonical form or any equivalent), as parseViewState reads it. */
export const viewStateSchema = z
  .string()
  .max(VIEW_STATE_MAX, `a view's state has at most ${VIEW_STATE_MAX} characters`)
  .superRefine((query, ctx) => {
    const parsed = parseQuery(query);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: stateMessage(parsed.problem) });
  });

/**
 * The layout: table id → {x, y}, finite numbers (JSON's 1e400 parses to Infinity: refused), at
 * most MAX_POSITIONS entries. The doors' body limit (64 KiB by default) bounds it first.
 */
export const positionsSchema = z
  .record(z.string().min(1).max(POSITION_KEY_MAX), z.object({ x: z.number(), y: z.number() }).strict())
  .refine((value) => Object.keys(value).length <= MAX_POSITIONS, { message: `a view keeps at most ${MAX_POSITIONS} table positions` })
  .describe(`table id → {x, y}: the layout its author arranged (at most ${MAX_POSITIONS} tables)`);

/** The canonical form of a view's query string, or BAD_USAGE naming the problem parseViewState found. */
export function canonicalViewState(query: string): string {
  if (query.length > VIEW_STATE_MAX) throw new StrataError('BAD_USAGE', `a view's state has at most ${VIEW_STATE_MAX} characters`);
  const parsed = parseQuery(query);
  if (!parsed.ok) throw new StrataError('BAD_USAGE', stateMessage(parsed.problem), { problem: parsed.problem });
  return serializeViewState(parsed.state);
}
