import type { Metadata } from 'next';
import { PageHeader } from '@/components/layout/page-header';
import { ErdScreen } from '@/components/erd/erd-screen';
import { toClassificationMap } from '@/lib/erd/classification-map';
import { policiesFor } from '@/lib/retention/load-policies';
import { pagePrincipal } from '@/app/guard';
import { environmentOr404 } from '@/app/environments/[env]/environment-or-404';
import { seedAvailability } from '@/app/environments/[env]/seed-availability';

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
  const principal = await pagePrincipal();
  const env = decodeURIComponent((await params).env);
  const target = environmentOr404(env);
  const { config, environment } = target;
  // Tags are decoration here: a project config that fails to load leaves the diagram without
  // them, and the Retention page names the file and the problem.
  const policies = await policiesFor(config.projectDir).catch(() => []);
  return (
    <div className="flex h-[calc(100dvh-2.25rem)] flex-col">
      <PageHeader
        environment={{ name: environment.name, protection: environment.protection, page: 'erd' }}
        title={environment.name}
        titleTestId="environment-name"
        subtitle="schema diagram"
        crumb="Schema diagram"
        width="full"
      />
      <main id="main" className="flex min-h-0 flex-1 flex-col">
        <ErdScreen env={environment.name} classifications={toClassificationMap(policies)} seed={await seedAvailability(principal, target)} />
      </main>
    </div>
  );
}
