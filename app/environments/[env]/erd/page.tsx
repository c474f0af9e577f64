import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { loadConfig } from '@/lib/config/environments';
import { ProtectionBadge } from '@/components/environments/protection-badge';
import { PROTECTION_INFO } from '@/components/environments/environment-display';
import { ErdScreen } from '@/components/erd/erd-screen';
import { toClassificationMap } from '@/lib/erd/classification-map';
import { policiesFor } from '@/lib/retention/load-policies';
import { pagePrincipal } from '@/app/guard';

// The environment list is read per request; nothing here may run at build time.
export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ env: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { env } = await params;
  return { title: `ERD · ${decodeURIComponent(env)}` };
}

/**
 * The live entity-relationship diagram of one environment. The server only checks that the
 * environment exists (and passes its name, never its URL); the diagram itself is a client
 * component polling GET /api/environments/<env>/schema.
 */
export default async function ErdPage({ params }: Params) {
  await pagePrincipal();
  const env = decodeURIComponent((await params).env);
  const config = loadConfig();
  const environment = config.environments.find((e) => e.name === env);
  if (!environment) notFound();
  // Tags are decoration here: a project config that fails to load leaves the diagram without
  // them, and the Retention page names the file and the problem.
  const policies = await policiesFor(config.projectDir).catch(() => []);
  return (
    <div className="flex h-[calc(100dvh-2.25rem)] flex-col">
      <header className="border-b border-zinc-200 bg-white">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 sm:px-6">
          <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
            <Link href="/" className="font-medium text-zinc-700 hover:underline">
              Strata
            </Link>{' '}
            / Environments /
          </nav>
          <h1 className="flex items-baseline gap-3 text-3xl font-bold tracking-tight text-zinc-900">
            {environment.name}
            <span className="text-lg font-medium text-zinc-500">schema diagram</span>
          </h1>
          <ProtectionBadge protection={PROTECTION_INFO[environment.protection]} />
        </div>
      </header>
      <main id="main" className="flex min-h-0 flex-1 flex-col">
        <ErdScreen env={environment.name} classifications={toClassificationMap(policies)} />
      </main>
    </div>
  );
}
