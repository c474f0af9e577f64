import { describe, expect, it } from 'vitest';
import { demoPolicies } from '../../drizzle/demo/policies';
import { basisText, retentionPeriod } from './describe';

const policy = (table: string) => demoPolicies.find((p) => p.table === table)!;

describe('a policy in words', () => {
  it('says the period the way a retention rule is written, and what it rests on only when that adds something', () => {
    expect([retentionPeriod(policy('dataservice.ds_uploads')), basisText(policy('dataservice.ds_uploads'))]).toEqual(['90 days after deletion', ' · soft delete']);
    expect([retentionPeriod(policy('dataservice.ds_ledgers')), basisText(policy('dataservice.ds_ledgers'))]).toEqual(['7 years', ' · compliance hold · from created_at']);
    expect([retentionPeriod(policy('dataservice.ds_users')), basisText(policy('dataservice.ds_users'))]).toEqual(['indefinite (soft delete)', '']);
    expect([retentionPeriod(policy('risk.reset_schedule')), basisText(policy('risk.reset_schedule'))]).toEqual(['indefinite', '']);
    expect(retentionPeriod(policy('platform.usage_events'))).toBe('400 days');
    expect(retentionPeriod(policy('platform.users'))).toBe('30 days after deletion');
  });
});
