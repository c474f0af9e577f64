/**
 * A migration version as a point in time, when it is one: `20140924113530` (14 digits),
 * `2024-10-25-112826` and `2025-11-19-091444-0000` (Diesel), `20240101120000` (golang-migrate, dbmate). Plain sequence
 * numbers (`001`, `3`) and all-zero versions are not times.
 */
export function versionTimestamp(version: string): number | null {
  // Diesel's newer versions carry a 4-digit suffix after the seconds (2025-11-19-091444-0000).
  const digits = version.replace(/[-_]/g, '').slice(0, 14);
  if (!/^\d{14}$/.test(digits) || /^0+$/.test(digits)) return null;
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(digits.slice(at, at + (i === 0 ? 4 : 2))));
  const time = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  const back = new Date(time);
  // Reject 20141399… and the like rather than letting Date roll them over.
  return back.getUTCMonth() === mo! - 1 && back.getUTCDate() === d! && y! >= 1970 ? time : null;
}
