/**
 * How a rehearsal's sample is named, by the audit trail and by the pages alike: "all rows" or
 * "10% sample". A leaf module, so the browser can import it without the engine.
 */
export function sampleLabel(sample: number | undefined): string {
  return sample === undefined || sample >= 1 ? 'all rows' : `${Number((sample * 100).toPrecision(3))}% sample`;
}
