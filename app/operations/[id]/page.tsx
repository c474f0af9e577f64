import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { pagePrincipal } from '@/app/guard';
import { can } from '@/lib/auth/guard';
import { configuredEnvironment, loadConfig } from '@/lib/config/environments';
import { getOperation } from '@/lib/console/operations';
import { PageHeader } from '@/components/layout/page-header';
import { NotAllowed } from '@/components/layout/notices';
import { OperationView } from '@/components/operations/operation-view';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Operation #${(await params).id}` };
}

/** One operation, live: a reload, a second browser or a restart see the same progress and outcome. */
export default async function OperationPage({ params }: Params) {
  const principal = await pagePrincipal();
  const config = loadConfig();
  const operation = await getOperation(config, Number((await params).id));
  if (!operation) notFound();
  const environment = configuredEnvironment(config, operation.environment);
  if (!environment || !can(principal, 'history.read', { protection: environment.protection })) {
    return (
      <>
        <PageHeader title={`Operation #${operation.id}`} crumb={`Operation #${operation.id}`} />
        <NotAllowed>You cannot follow this operation: its environment is not one you may read.</NotAllowed>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={`Operation #${operation.id}`}
        titleTestId="page-title"
        environment={{ name: environment.name, protection: environment.protection }}
        crumb={`Operation #${operation.id}`}
        description={<p>Everyone who opens this page sees the same progress and outcome, live, after a reload or a restart too.</p>}
      />
      <main id="main" className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-8 sm:px-6 lg:px-8">
        <OperationView initial={operation} />
      </main>
    </>
  );
}
