import { quoteIdent } from '../db/identifiers';

/**
 * A copy is verified by comparing two figures of the source and of the copy, read in one
 * snapshot: the row count and an order-independent checksum of the rows (the sum of the
 * first 64 bits of each row's md5, as numeric so it never overflows). Order-independent,
 * because neither a table nor a COPY file has an order; a sum rather than an XOR, so two
 * equal rows do not cancel out.
 */
export interface RowFingerprint {
  rows: number;
  checksum: string;
}

/** The SQL that fingerprints `columns` (null: every column) of the relation `from` (already quoted). */
export function fingerprintSql(from: string, columns: string[] | null): string {
  const list = columns ? columns.map(quoteIdent).join(', ') : '*';
  return `select count(*)::bigint as rows,
    coalesce(sum(('x' || left(md5(r::text), 16))::bit(64)::bigint::numeric), 0)::text as checksum
    from (select ${list} from ${from}) r`;
}

export function fingerprintText(f: RowFingerprint): string {
  return `${f.rows}:${f.checksum}`;
}

export function toFingerprint(row: { rows: unknown; checksum: unknown } | undefined): RowFingerprint {
  return { rows: Number(row?.rows ?? 0), checksum: String(row?.checksum ?? '0') };
}
