import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { pagePrincipal } from '@/app/guard';
import { authorize, can } from '@/lib/auth/guard';
import { loadConfig } from '@/lib/config/environments';
import { configuredFleet } from '@/lib/fleet/fleet-overview';
import { isStrataError } from '@/lib/errors';
import { PageHeader } from '@/components/layout/page-header';
import { ProtectionBadge } from '@/components/environments/protection-badge';
import { PROTECTION_INFO } from '@/components/environments/environment-display';
import { FleetView } from '@/components/fleet/fleet-view';

/** What a fleet's targets are, by where they come from. */
const SOURCE_TEXT = {
  urls: 'A list of databases',
  databases: 'Databases discovered on one server',
  schemas: 'Tenant schemas of one database',
} as const;

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `${decodeURIComponent((await params).name)} (fleet)` };
}

/**
 * One fleet: its targets × the project's change sets, counts per state, filters and one
 * target's detail. The page itself only names the fleet; its numbers come from
 * GET /api/fleets/{name}, so the first paint never waits for a thousand databases.
 */
export default async function FleetPage({ params }: Params) {
  const name = decodeURIComponent((await params).name);
  const principal = await pagePrincipal();
  let fleet;
  try {
    fleet = configuredFleet(loadConfig(), name);
  } catch (error) {
    if (isStrataError(error, 'NOT_FOUND')) notFound();
    throw error;
  }
  authorize(principal, 'history.read', { protection: fleet.protection, environment: fleet.name });
  return (
    <>
      <PageHeader
        title={name}
        titleTestId="fleet-name"
        subtitle="fleet"
        crumb={name}
        width="wide"
        actions={<ProtectionBadge protection={PROTECTION_INFO[fleet.protection]} />}
        description={
          <>
            {SOURCE_TEXT[fleet.source.kind]}, each migrated as the environment{' '}
            <span className="font-mono">{name}/&lt;target&gt;</span> with its own lock and history. Rollouts (<span className="font-mono">strata rollout</span>) run in waves on the job queue;
            the latest appear below.
          </>
        }
      />
      <main id="main" className="mx-auto flex max-w-[96rem] flex-col gap-6 px-4 py-8 sm:px-6 lg:px-8">
        {/* The controls show for who may use them; the doors refuse anyone else. A protected fleet's rollout is
            requested for approval (operators), and only admins steer one that runs. */}
        <FleetView
          name={name}
          canRollout={can(principal, 'rollout', { protection: fleet.protection })}
          canRequest={fleet.protection === 'protected' && can(principal, 'request.create', { protection: fleet.protection })}
        />
      </main>
    </>
  );
}
