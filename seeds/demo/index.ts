import type { SeedSet } from '../../lib/seed/types';
import { dataserviceSteps } from './dataservice';
import { filesSteps } from './files';
import { lifegraphSteps } from './lifegraph';
import { platformSteps } from './platform';
import { riskSteps } from './risk';

/**
 * The demo project's seeds, one module per schema, each written with Drizzle against the
 * tables of drizzle/demo/schema/*.ts: every table of the five demo schemas gets realistic,
 * referentially consistent rows with fixed keys, in dependency order. A schema change that
 * breaks a seed fails the type check and lib/seed's tests.
 */
export const demoSeeds: SeedSet = {
  name: 'demo',
  schemas: ['platform', 'dataservice', 'lifegraph', 'files', 'risk'],
  steps: [...platformSteps, ...dataserviceSteps, ...lifegraphSteps, ...filesSteps, ...riskSteps],
};
