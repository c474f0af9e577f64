import { rolloutStepRoute } from '@/app/rollout-doors';

export const dynamic = 'force-dynamic';

/** POST {}: pause one of the fleet's rollouts (app/rollout-doors.ts rolloutStepRoute). */
export const POST = rolloutStepRoute('pause');
