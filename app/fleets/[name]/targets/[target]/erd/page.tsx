import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { pagePrincipal } from '@/app/guard';
import { fleetOfUrl, targetOfFleet } from '@/app/fleets/[name]/targets/read-target-schema';
import { authorize } from '@/lib/auth/guard';
import { PageHeader } from '@/components/layout/page-header';
import { ErdScreen } from '@/components/erd/erd-screen';
import { ProtectionBadge } from '@/components/environments/protection-badge';
import { PROTECTION_INFO } from '@/components/environments/environment-display';
import { decodedSegment as decoded } from '@/app/path-segment';

// The fleet's targets are read per request; nothing here may run at build time.
export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ name: string; target: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { name, target } = await params;
  return { title: `ERD · ${decoded(name)}/${decoded(target)}` };
}

/**
 * The live, read-only ERD of one fleet target (the fleet page's target detail links here):
 * the server checks that the fleet has that target (404 otherwise) and passes names only,
 * never a URL; the diagram polls GET /api/fleets/<fleet>/targets/<target>/schema. No named
 * views, exports or table pages: those belong to configured environments.
 */
export default async function FleetTargetErdPage({ params }: Params) {
  const principal = await pagePrincipal();
  const { name, target: raw } = await params;
  const found = fleetOfUrl(decoded(name), decoded(raw));
  if (!found.ok) notFound();
  const { fleet } = found;
  authorize(principal, 'schema.read', { protection: fleet.protection, environment: fleet.name });
  const target = await targetOfFleet(fleet, decoded(raw));
  if (!target.ok && target.status === 404) notFound();
  const targetName = decoded(raw);
  return (
    <div className="flex h-[calc(100dvh-2.25rem)] flex-col">
      <PageHeader
        title={`${fleet.name}/${targetName}`}
        titleTestId="fleet-target-erd-name"
        subtitle="schema diagram of a fleet target (read-only)"
        trail={[{ label: fleet.name, href: `/fleets/${encodeURIComponent(fleet.name)}` }]}
        crumb={`${targetName} · schema diagram`}
        actions={<ProtectionBadge protection={PROTECTION_INFO[fleet.protection]} />}
        width="full"
      />
      <main id="main" className="flex min-h-0 flex-1 flex-col">
        <ErdScreen env={`${fleet.name}/${targetName}`} source={{ kind: 'fleet-target', fleet: fleet.name, target: targetName }} />
      </main>
    </div>
  );
}
