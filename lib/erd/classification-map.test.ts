import { describe, expect, it } from 'vitest';
import { lookupFromMap, toClassificationMap } from './classification-map';

describe('classification map', () => {
  it('turns policies into JSON and back into the ERD lookup', () => {
    const map = toClassificationMap([
      { table: 'dataservice.ds_users', basis: 'soft-delete', retentionDays: null, timestampColumn: null, classification: ['PII', 'FERPA'], columns: { email: ['PII'] } },
    ]);
    expect(JSON.parse(JSON.stringify(map))).toEqual(map);
    const lookup = lookupFromMap(map);
    expect(lookup('dataservice.ds_users')).toEqual(['PII', 'FERPA']);
    expect(lookup('dataservice.ds_users', 'email')).toEqual(['PII']);
    expect(lookup('dataservice.ds_users', 'id')).toEqual([]);
    expect(lookup('public.other')).toEqual([]);
  });
});
