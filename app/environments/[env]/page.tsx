import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { listOperations } from '@/lib/console/operations';
import { readColumn } from '@/lib/console/pipeline';
import { EnvironmentOperations } from '@/components/operations/environment-operations';
import { BLOCKING_STATES } from '@/lib/migrate/target-state';
import { environmentOr404 } from './environment-or-404';
import { pagePrincipal } from '@/app/guard';
import { capabilitiesFor, fixWaysFor, operationKind } from '@/components/operations/capabilities';
import { incidentOf, type Incident } from '@/lib/console/change-set-incident';
import { optionalChangeSets } from '@/lib/project/load-project';
import { ChangeSetIncident } from '@/components/changesets/change-set-incident';
import { ChangeSetFixes } from '@/components/changesets/change-set-fixes';
import { OperationButton } from '@/components/operations/operation-dialog';
import { DriftPanel } from '@/components/drift/drift-panel';
import { SeedActions } from '@/components/seed/seed-actions';
import { BackupsPanel } from '@/components/backups/backups-panel';
import { environmentBackups } from '@/lib/console/environment-backups';
import { backupPolicyOf } from '@/lib/backup/settings';
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
  const [column, operations, backups] = await Promise.all([
    readColumn(environment, project),
    listOperations(config, { environment: env, limit: 5 }),
    // An unreachable environment shows that once, above; its backups are simply not listed.
    environmentBackups({ config, environment, project }).catch(() => []),
  ]);
  const blocked = project.changeSets.filter((c) => (BLOCKING_STATES as readonly string[]).includes(column.cells[c.tag]?.state ?? ''));
  const pending = project.changeSets.filter((c) => ['pending', 'rolled_back'].includes(column.cells[c.tag]?.state ?? ''));
  const outOfOrder = project.changeSets.filter((c) => column.cells[c.tag]?.state === 'out_of_order');
  const skipped = project.changeSets.filter((c) => column.cells[c.tag]?.state === 'skipped');
  const applied = project.changeSets.filter((c) => column.cells[c.tag]?.state === 'applied');
  const optional = new Set(await optionalChangeSets(project.dir));
  // What happened to each change set that needs a person (failed, interrupted, edited, skipped).
  const incidents = new Map<string, Incident>(await Promise.all([...blocked, ...skipped].map(async (c) => [c.tag, await incidentOf(project, c.tag, column.history)] as const)));
  const runKind = operationKind(capabilities);

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
            {(blocked.length > 0 || pending.length > 0 || outOfOrder.length > 0 || skipped.length > 0) && (
              <section aria-labelledby="attention-heading" className="flex flex-col gap-3" data-testid="attention">
                <h2 id="attention-heading" className="text-lg font-semibold text-zinc-900">
                  Needs attention
                </h2>
                <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm">
                  {[...blocked, ...outOfOrder, ...skipped, ...pending].map((c) => {
                    const cell = column.cells[c.tag]!;
                    const look = CELL_STATE[cell.state];
                    const incident = incidents.get(c.tag);
                    const ways = fixWaysFor(principal, environment.protection, cell.state, optional.has(c.tag));
                    return (
                      <li key={c.tag} className="flex flex-col gap-2 px-4 py-3" data-testid="attention-item" data-state={cell.state} data-tag={c.tag}>
                        <div className="flex flex-wrap items-center gap-3">
                          <Badge tone={look.tone}>{look.label}</Badge>
                          <Link href={`/environments/${env}/changesets/${c.version}`} className="font-mono text-blue-700 hover:underline">
                            {c.tag}
                          </Link>
                          {optional.has(c.tag) && <Badge tone="neutral">optional</Badge>}
                        </div>
                        {incident ? (
                          <ChangeSetIncident
                            tag={c.tag}
                            state={cell.state}
                            last={incident.last}
                            reason={cell.reason}
                            failureFile={incident.failureFile}
                            failureLine={incident.failureLine}
                            fileChecksum={c.forward.checksum}
                          />
                        ) : (
                          cell.reason && <p className="whitespace-pre-line text-zinc-700">{cell.reason}</p>
                        )}
                        <ChangeSetFixes env={env} protection={environment.protection} tag={c.tag} ways={ways} />
                        {cell.state === 'out_of_order' && (runKind === 'run' || runKind === 'dry-run') && (
                          <div>
                            <OperationButton
                              env={env}
                              protection={environment.protection}
                              plan={{ direction: 'apply', to: c.tag, includeOutOfOrder: true, expected: 1, label: `${runKind === 'run' ? '' : 'Dry-run: '}Apply ${c.tag} out of order` }}
                              kind={runKind}
                            />
                          </div>
                        )}
                        {ways.length === 0 && (cell.state === 'failed' || cell.state === 'interrupted') && (
                          <p className="text-zinc-600">
                            Resolve with <code className="font-mono">npm run strata -- resolve {c.tag} --env {env} --as retry|applied|rolled-back --reason …</code>
                          </p>
                        )}
                        {ways.length === 0 && cell.state === 'checksum_mismatch' && (
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
            <BackupsPanel
              env={env}
              protection={environment.protection}
              backups={backups.map((b) => ({ ...b, createdAt: b.createdAt.toISOString() }))}
              policy={{ ...backupPolicyOf(environment), location: config.backupDir ? 'as compressed files outside the database' : `in a schema of ${env} itself` }}
              canRestore={capabilities.restore}
              canDryRun={capabilities.restoreDryRun}
            />
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
