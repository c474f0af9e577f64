import { formatTypeNameOf } from '../db/type-names';

/**
 * What a column type change costs, judged from the two `format_type` strings alone (no
 * database at hand: the diff runs on models). Two questions a reviewer needs answered:
 * does PostgreSQL rewrite the table (ACCESS EXCLUSIVE for the whole copy), and can values
 * be lost or the ALTER fail on existing values?
 */
export interface TypeChange {
  /** PostgreSQL rewrites the table and rebuilds its indexes. */
  rewrite: boolean;
  /** Not a known widening: existing values may be truncated, rounded, or refuse to convert. */
  narrowing: boolean;
  /** One clause saying why, for risk messages. */
  reason: string;
}

/** A parsed format_type string: `character varying(255)[]` → base, modifiers [255], array. */
interface ParsedType {
  /** As written, without the array suffix: for messages. */
  text: string;
  base: string;
  mods: number[] | null;
  array: boolean;
}

/** Integer types by width, and how many decimal digits each needs in a numeric. */
const INTEGER_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };
const INTEGER_DIGITS: Record<string, number> = { smallint: 5, integer: 10, bigint: 19 };
/** Floating types each integer type fits into exactly (mantissa of 24 / 53 bits). */
const EXACT_FLOAT: Record<string, string[]> = {
  smallint: ['real', 'double precision'],
  integer: ['double precision'],
};
/** Types holding a (precision) modifier whose increase PostgreSQL applies without a rewrite. */
const TEMPORAL = new Set(['timestamp without time zone', 'timestamp with time zone', 'time without time zone', 'time with time zone', 'interval']);
/** Fractional-second precision when none is given. */
const DEFAULT_TEMPORAL_PRECISION = 6;

function parseType(type: string): ParsedType {
  const array = type.trim().endsWith(']');
  const written = type.trim().replace(/(\[\d*\])+$/, '').trim();
  // Quoted user type names are case-sensitive; built-in names are not.
  const text = written.includes('"') ? written : written.toLowerCase();
  // The modifier may sit inside the name: `timestamp(3) with time zone`.
  const match = /\(([^)]*)\)/.exec(text);
  const mods = match ? match[1].split(',').map((m) => Number(m.trim())) : null;
  const base = (match ? text.replace(match[0], '') : text).replace(/\s+/g, ' ').trim();
  // Spellings people type (int4, varchar, timestamptz) become format_type's, so hand-written input works too.
  return { text: written, base: formatTypeNameOf(base), mods, array };
}

function same(a: ParsedType, b: ParsedType): boolean {
  return a.base === b.base && a.array === b.array && String(a.mods) === String(b.mods);
}

const widen = (rewrite: boolean, reason: string): TypeChange => ({ rewrite, narrowing: false, reason });
const narrow = (reason: string): TypeChange => ({ rewrite: true, narrowing: true, reason });

/**
 * Classifies a column type change. Rewrite rules follow PostgreSQL's ALTER COLUMN TYPE: no
 * rewrite when the old type is binary-coercible to the new one (varchar → text), or when a
 * typmod support function proves the change a no-op (longer varchar, more numeric precision
 * at the same scale, more fractional-second precision, dropping the modifier). timestamp →
 * timestamptz skips the rewrite only when the session time zone is UTC, which a diff cannot
 * know, so it counts as a rewrite. Anything not recognised as a widening is a narrowing:
 * the safe default for a tool whose job is to warn.
 */
export function classifyTypeChange(fromType: string, toType: string): TypeChange {
  const from = parseType(fromType);
  const to = parseType(toType);
  if (same(from, to)) return { rewrite: false, narrowing: false, reason: 'same type' };
  if (from.array && to.array) {
    const element = classifyScalar({ ...from, array: false }, { ...to, array: false });
    // Array element conversions go through an array coercion, which always rewrites.
    return { ...element, rewrite: true, reason: `array elements: ${element.reason}` };
  }
  return classifyScalar(from, to);
}

function classifyScalar(from: ParsedType, to: ParsedType): TypeChange {
  const text = classifyToText(from, to);
  if (text) return text;
  if (from.array || to.array) return narrow('converts between an array and a scalar');
  return (
    classifyLength(from, to) ??
    classifyNumber(from, to) ??
    classifyTemporal(from, to) ??
    classifyOther(from, to) ??
    narrow(`${display(from)} → ${display(to)} is not a known widening`)
  );
}

/** Every value has a text form, so text and unbounded varchar widen anything. */
function classifyToText(from: ParsedType, to: ParsedType): TypeChange | null {
  const unboundedText = to.base === 'text' || (to.base === 'character varying' && to.mods === null);
  if (!unboundedText || to.array) return null;
  if (!from.array && (from.base === 'text' || from.base === 'character varying')) {
    return widen(false, 'binary-coercible to text, no rewrite');
  }
  return widen(true, `every ${display(from)} value has a text form, but the table is rewritten`);
}

/** varchar(n), char(n), bit varying(n) and the text ↔ bounded-string conversions. */
function classifyLength(from: ParsedType, to: ParsedType): TypeChange | null {
  const strings = new Set(['character varying', 'character', 'text']);
  if (from.base === 'bit varying' && to.base === 'bit varying') return classifyVarying(from, to);
  if (!strings.has(from.base) || !strings.has(to.base)) return null;
  if (from.base === 'character varying' && to.base === 'character varying') return classifyVarying(from, to);
  const fromLength = from.base === 'text' ? null : (from.mods?.[0] ?? (from.base === 'character' ? 1 : null));
  const toLength = to.mods?.[0] ?? (to.base === 'character' ? 1 : null);
  if (fromLength !== null && toLength !== null && toLength >= fromLength) {
    // char(n) pads with blanks and has no no-op support function: widening, but rewritten.
    return widen(true, `${display(from)} fits in ${display(to)}, but the table is rewritten`);
  }
  return narrow(`values longer than ${toLength ?? 'the limit'} characters fail to convert`);
}

function classifyVarying(from: ParsedType, to: ParsedType): TypeChange {
  const fromLength = from.mods?.[0] ?? null;
  const toLength = to.mods?.[0] ?? null;
  if (toLength === null || (fromLength !== null && toLength >= fromLength)) {
    return widen(false, 'longer limit, no rewrite');
  }
  return narrow(`values longer than ${toLength} fail to convert`);
}

/** Integers, numeric(p,s) and floats. */
function classifyNumber(from: ParsedType, to: ParsedType): TypeChange | null {
  const fromInt = INTEGER_RANK[from.base];
  if (fromInt !== undefined) {
    const toInt = INTEGER_RANK[to.base];
    if (toInt !== undefined) {
      return toInt > fromInt ? widen(true, `${to.base} holds every ${from.base}, but the table is rewritten`) : narrow(`values outside the ${to.base} range fail to convert`);
    }
    if (to.base === 'numeric') {
      const [precision, scale = 0] = to.mods ?? [];
      if (precision === undefined || precision - scale >= INTEGER_DIGITS[from.base]) {
        return widen(true, `${display(to)} holds every ${from.base}, but the table is rewritten`);
      }
      return narrow(`${display(to)} cannot hold every ${from.base}`);
    }
    if (EXACT_FLOAT[from.base]?.includes(to.base)) return widen(true, `${to.base} holds every ${from.base} exactly, but the table is rewritten`);
    return null;
  }
  if (from.base === 'numeric' && to.base === 'numeric') return classifyNumeric(from, to);
  if (from.base === 'real' && to.base === 'double precision') return widen(true, 'double precision holds every real, but the table is rewritten');
  return null;
}

function classifyNumeric(from: ParsedType, to: ParsedType): TypeChange {
  if (to.mods === null) return widen(false, 'unconstrained numeric, no rewrite');
  if (from.mods === null) return narrow(`values beyond ${display(to)} fail or are rounded`);
  const [fromPrecision, fromScale = 0] = from.mods;
  const [toPrecision, toScale = 0] = to.mods;
  if (toScale === fromScale && toPrecision >= fromPrecision) return widen(false, 'more precision at the same scale, no rewrite');
  if (toScale > fromScale && toPrecision - toScale >= fromPrecision - fromScale) {
    return widen(true, `${display(to)} holds every ${display(from)}, but the table is rewritten`);
  }
  return narrow(toScale < fromScale ? `values are rounded to ${toScale} decimal places` : `values beyond ${display(to)} fail to convert`);
}

/** date, timestamp(p), time(p), interval(p) and the time-zone conversions. */
function classifyTemporal(from: ParsedType, to: ParsedType): TypeChange | null {
  const timestamps = ['timestamp without time zone', 'timestamp with time zone'];
  if (from.base === 'date' && timestamps.includes(to.base)) return widen(true, 'every date is a timestamp, but the table is rewritten');
  if (from.base === 'timestamp without time zone' && to.base === 'timestamp with time zone') {
    return widen(true, 'rewritten unless the session time zone is UTC');
  }
  if (from.base === 'timestamp with time zone' && to.base === 'timestamp without time zone') {
    return narrow('instants become local times in the session time zone, ambiguous around DST changes');
  }
  if (from.base === 'time without time zone' && to.base === 'time with time zone') return widen(true, 'the table is rewritten');
  if (from.base !== to.base || !TEMPORAL.has(from.base)) return null;
  const fromPrecision = from.mods?.[0] ?? DEFAULT_TEMPORAL_PRECISION;
  const toPrecision = to.mods?.[0] ?? DEFAULT_TEMPORAL_PRECISION;
  if (toPrecision >= fromPrecision) return widen(false, 'more fractional-second precision, no rewrite');
  return narrow(`fractional seconds are rounded to ${toPrecision} digits`);
}

function classifyOther(from: ParsedType, to: ParsedType): TypeChange | null {
  if (from.base === 'json' && to.base === 'jsonb') return widen(true, 'jsonb normalises the documents; the table is rewritten');
  if (from.base === 'jsonb' && to.base === 'json') return widen(true, 'the table is rewritten');
  return null;
}

function display(type: ParsedType): string {
  return type.array ? `${type.text}[]` : type.text;
}
