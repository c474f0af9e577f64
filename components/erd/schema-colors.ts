/**
 * A stable colour per PostgreSQL schema: the same schema name gets the same colour on every
 * machine and every visit (a hash of the name picks from a fixed palette), so people learn
 * "platform is blue" and the minimap reads like a map.
 */
export interface SchemaColor {
  /** Header background. */
  header: string;
  /** Light tint for chips and the schema group frame. */
  tint: string;
  /** Text on the tint. */
  ink: string;
}

const PALETTE: SchemaColor[] = [
  { header: '#2563eb', tint: '#eff6ff', ink: '#1e40af' }, // blue
  { header: '#059669', tint: '#ecfdf5', ink: '#065f46' }, // emerald
  { header: '#7c3aed', tint: '#f5f3ff', ink: '#5b21b6' }, // violet
  { header: '#d97706', tint: '#fffbeb', ink: '#92400e' }, // amber
  { header: '#db2777', tint: '#fdf2f8', ink: '#9d174d' }, // pink
  { header: '#0891b2', tint: '#ecfeff', ink: '#155e75' }, // cyan
  { header: '#4f46e5', tint: '#eef2ff', ink: '#3730a3' }, // indigo
  { header: '#ea580c', tint: '#fff7ed', ink: '#9a3412' }, // orange
  { header: '#0d9488', tint: '#f0fdfa', ink: '#115e59' }, // teal
  { header: '#c026d3', tint: '#fdf4ff', ink: '#86198f' }, // fuchsia
  { header: '#65a30d', tint: '#f7fee7', ink: '#3f6212' }, // lime
  { header: '#dc2626', tint: '#fef2f2', ink: '#991b1b' }, // red
];

const BOOKKEEPING: SchemaColor = { header: '#52525b', tint: '#f4f4f5', ink: '#3f3f46' };

const cache = new Map<string, SchemaColor>();

export function schemaColor(schema: string): SchemaColor {
  let color = cache.get(schema);
  if (!color) {
    color = schema === 'strata' || schema === 'drizzle' ? BOOKKEEPING : PALETTE[fnv1a(schema) % PALETTE.length]!;
    cache.set(schema, color);
  }
  return color;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
