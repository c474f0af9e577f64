import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { listOperations } from '@/lib/console/operations';
import { readColumn } from '@/lib/console/pipeline';
import { EnvironmentOperations } from '@/components/operations/environment-operations';
import { BLOCKING_STATES } from '@/lib/migrate/target-state';
import { environmentOr404 } from './environment-or-404';
import { pagePrincipal } from '@/app/guard';
import { capabilitiesFor } from '@/components/operations/capabilities';
import { DriftPanel } from '@/components/drift/drift-panel';
import { SeedActions } from '@/components/seed/seed-actions';
import { HistoryTable } from '@/components/history/history-table';
import { PageHeader } from '@/components/layout/page-header';
import { EnvironmentActions } from '@/components/operations/environment-actions';
import { CELL_STATE } from '@/components/pipeline/cell-state';
import { Badge } from '@/components/ui/badge';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ env: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: decodeURIComponent((await params).env) };
}

/**
 * One environment: what needs attention (blocked and pending change sets, with what
 * resolves them), the actions its protection level allows, drift, and its full history.
 */
export default async function EnvironmentPage({ params }: Params) {
  const env = decodeURIComponent((await params).env);
  const principal = await pagePrincipal();
  const { config, environment, project } = environmentOr404(env);
  const capabilities = capabilitiesFor(principal, environment.protection);
  const [column, operations] = await Promise.all([readColumn(environment, project), listOperations(config, { environment: env, limit: 5 })]);
  const blocked = project.changeSets.filter((c) => (BLOCKING_STATES as readonly string[]).includes(column.cells[c.tag]?.state ?? ''));
  const pending = project.changeSets.filter((c) => ['pending', 'rolled_back'].includes(column.cells[c.tag]?.state ?? ''));
  const outOfOrder = project.changeSets.filter((c) => column.cells[c.tag]?.state === 'out_of_order');
  const applied = project.changeSets.filter((c) => column.cells[c.tag]?.state === 'applied');

  return (
    <>
      <PageHeader
        environment={{ name: env, protection: environment.protection, page: 'overview' }}
        title={env}
        titleTestId="environment-name"
        description={
          column.reachable
            ? `Schema version ${column.schemaVersion ?? '(none)'} · ${applied.length} of ${project.changeSets.length} change sets applied`
            : `Unreachable: ${column.error}`
        }
      />
      <main id="main" className="mx-auto flex max-w-7xl flex-col gap-8 px-4 py-8 sm:px-6 lg:px-8">
        {column.reachable && (
          <>
            {(blocked.length > 0 || pending.length > 0 || outOfOrder.length > 0) && (
              <section aria-labelledby="attention-heading" className="flex flex-col gap-3" data-testid="attention">
                <h2 id="attention-heading" className="text-lg font-semibold text-zinc-900">
                  Needs attention
                </h2>
                <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm">
                  {[...blocked, ...outOfOrder, ...pending].map((c) => {
                    const cell = column.cells[c.tag]!;
                    const look = CELL_STATE[cell.state];
                    return (
                      <li key={c.tag} className="flex flex-col gap-1 px-4 py-2" data-testid="attention-item" data-state={cell.state}>
                        <div className="flex flex-wrap items-center gap-3">
                          <Badge tone={look.tone}>{look.label}</Badge>
                          <Link href={`/environments/${env}/changesets/${c.version}`} className="font-mono text-blue-700 hover:underline">
                            {c.tag}
                          </Link>
                        </div>
                        {cell.reason && <p className="whitespace-pre-line text-zinc-700">{cell.reason}</p>}
                        {(cell.state === 'failed' || cell.state === 'interrupted') && (
                          <p className="text-zinc-600">
                            Resolve with <code className="font-mono">npm run strata -- resolve {c.tag} --env {env} --as retry|applied|rolled-back --reason …</code>
                          </p>
                        )}
                        {cell.state === 'checksum_mismatch' && (
                          <p className="text-zinc-600">
                            Restore the file as applied, or accept the edit with{' '}
                            <code className="font-mono">npm run strata -- resolve {c.tag} --env {env} --accept-checksum --reason …</code>
                          </p>
                        )}
                        {cell.state === 'out_of_order' && (
                          <p className="text-zinc-600">
                            Merged after later change sets were applied; apply it with <code className="font-mono">npm run strata -- apply --env {env} --include-out-of-order</code>
                          </p>
                        )}
                      </li>
                    );
                  })}
                </ul>
              </section>
            )}
            <EnvironmentActions
              env={env}
              protection={environment.protection}
              pending={pending.map((c) => ({ version: c.version, tag: c.tag }))}
              rollback={column.rollback!}
              blocked={blocked.length > 0}
              capabilities={capabilities}
            />
            <EnvironmentOperations env={env} initial={operations} />
            <SeedActions env={env} protection={environment.protection} canSeed={capabilities.seed} canReset={capabilities.reset} />
            <DriftPanel env={env} />
          </>
        )}
        <section id="history" aria-labelledby="history-heading" className="flex flex-col gap-3">
          <h2 id="history-heading" className="text-lg font-semibold text-zinc-900">
            History
          </h2>
          <Suspense>
            <HistoryTable entries={column.history} env={env} />
          </Suspense>
        </section>
      </main>
    </>
  );
}
