/**
 * What the demo project brings besides its change sets: the retention and classification
 * of every table (./policies.ts) and the seed set of its five schemas (seeds/demo/). Strata
 * loads this file at run time (lib/project/load-project.ts), for the CLI and the console.
 */
import { defineProject } from '../../lib/project/define-project';
import { demoSeeds } from '../../seeds/demo';
import { demoPolicies } from './policies';

export default defineProject({
  policies: demoPolicies,
  seeds: demoSeeds,
  // Document 001's Phase 3 (the daily unrealized P&L table) is optional there: an environment may skip it.
  optional: ['0017_risk_daily_unrealized_pnl'],
});
