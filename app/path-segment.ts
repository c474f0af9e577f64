/**
 * A dynamic route segment as the name it encodes (a fleet target named host:port/database, a
 * user name with a space, … arrive as one encoded segment). A malformed escape is kept as it
 * came, so the lookup that follows answers "unknown" instead of throwing.
 */
export function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
