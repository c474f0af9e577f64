/** Display helpers shared by the ERD panel and the table page (pure, no React). */

export function humanBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return 'unknown';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** pg_class.reltuples, said as what it is: an estimate (or unknown before the first ANALYZE). */
export function rowEstimateText(estimate: number | null | undefined): string {
  if (estimate === null || estimate === undefined || estimate < 0) return 'unknown (never analysed)';
  return `≈ ${compactNumber(estimate)} ${estimate === 1 ? 'row' : 'rows'}`;
}

export function compactNumber(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${trim(n / 1000)}k`;
  if (n < 1_000_000_000) return `${trim(n / 1_000_000)}M`;
  return `${trim(n / 1_000_000_000)}B`;
}

function trim(x: number): string {
  return x >= 100 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, '');
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}

/** `/environments/<env>/tables/<schema.name>`: the table's own page. */
export function tableHref(env: string, tableId: string): string {
  return `/environments/${encodeURIComponent(env)}/tables/${encodeURIComponent(tableId)}`;
}

/** Short type names for the node rows: the panel shows PostgreSQL's full spelling. */
export function shortType(type: string): string {
  return type
    .replace(/^character varying/, 'varchar')
    .replace(/^timestamp\((\d)\) with time zone/, 'timestamptz($1)')
    .replace(/^timestamp with time zone/, 'timestamptz')
    .replace(/^timestamp\((\d)\) without time zone/, 'timestamp($1)')
    .replace(/^timestamp without time zone/, 'timestamp')
    .replace(/^time with time zone/, 'timetz')
    .replace(/^time without time zone/, 'time')
    .replace(/^double precision/, 'float8')
    .replace(/^character\(/, 'char(')
    .replace(/^boolean/, 'bool');
}
