import type { Metadata } from 'next';
import { Suspense } from 'react';
import { pagePrincipal } from '@/app/guard';
import { listAudit, verifyAudit } from '@/lib/auth/audit';
import { auditProtection, withConsole } from '@/lib/auth/console-db';
import { can } from '@/lib/auth/guard';
import type { AuditEntry } from '@/lib/auth/types';
import { listUsers } from '@/lib/auth/users';
import { consoleSecrets } from '@/lib/config/console-secrets';
import { loadConfig } from '@/lib/config/environments';
import { describeOperationError } from '@/lib/console/describe-error';
import { PageHeader } from '@/components/layout/page-header';
import { ErrorNotice, NotAllowed } from '@/components/layout/notices';
import { auditQuery, isFiltered, parseAuditFilter, searchParamsReader } from '@/components/audit/audit-filter';
import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';
import { ChainStatus, type ChainCheck } from '@/components/audit/chain-status';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Audit trail' };

/** How many entries one page shows (newest first). */
const LIMIT = 500;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * The audit trail: whether its hash chain still holds, then who did what, where, with what
 * outcome, newest first, filtered by the URL's actor, action, environment and outcome.
 */
export default async function AuditPage({ searchParams }: Props) {
  const principal = await pagePrincipal();
  if (!can(principal, 'audit.read')) {
    return (
      <>
        <PageHeader title="Audit trail" titleTestId="page-title" crumb="Audit trail" />
        <NotAllowed>Your role ({principal.role}) cannot see the audit trail: it needs operator or admin.</NotAllowed>
      </>
    );
  }
  const config = loadConfig();
  const filter = parseAuditFilter(searchParamsReader(await searchParams));
  const hide = (error: unknown) => describeOperationError(error, config.consoleDatabaseUrl).message;

  let chain: ChainCheck;
  let entries: AuditEntry[] = [];
  let actors: string[] = [];
  let failure: string | null = null;
  try {
    [chain, entries, actors] = await withConsole(config, (sql) =>
      Promise.all([
        (async (): Promise<ChainCheck> => {
          try {
            const [verdict, protection] = await Promise.all([verifyAudit(sql, consoleSecrets(config).auditKey, config.auditHeadFile), auditProtection(sql)]);
            return { ...verdict, protection };
          } catch (error) {
            return { error: hide(error) };
          }
        })(),
        listAudit(sql, { ...auditQuery(filter), limit: LIMIT }),
        listUsers(sql).then((users) => users.map((u) => u.username)),
      ]),
    );
  } catch (error) {
    failure = hide(error);
    chain = { error: failure };
  }

  return (
    <>
      <PageHeader
        title="Audit trail"
        titleTestId="page-title"
        crumb="Audit trail"
        description={
          <p>
            Every sign-in, dry run, change, request, decision and user change, append-only and chained: editing or deleting an entry breaks the chain.
          </p>
        }
      />
      <main id="main" className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-8 sm:px-6 lg:px-8">
        <ChainStatus check={chain} />
        <Suspense>
          <AuditFilters environments={config.environments.map((e) => e.name)} actors={actors} />
        </Suspense>
        {failure ? (
          <ErrorNotice title="The audit trail could not be read" message={failure} testId="audit-error" />
        ) : (
          <section aria-labelledby="audit-entries-heading" className="flex flex-col gap-3">
            <div className="flex flex-wrap items-baseline justify-between gap-x-6 gap-y-1">
              <h2 id="audit-entries-heading" className="text-lg font-semibold text-zinc-900">
                Entries
              </h2>
              <p data-testid="audit-count" className="text-sm text-zinc-600">
                {entries.length === LIMIT
                  ? `The newest ${LIMIT} ${isFiltered(filter) ? 'matching ' : ''}entries; narrow the filters to see older ones.`
                  : `${entries.length} ${isFiltered(filter) ? 'matching ' : ''}${entries.length === 1 ? 'entry' : 'entries'}, newest first`}
              </p>
            </div>
            {entries.length === 0 ? (
              <p data-testid="audit-empty" className="rounded-xl border border-dashed border-zinc-300 p-8 text-center text-sm text-zinc-600">
                {isFiltered(filter) ? 'No entries match these filters.' : 'Nothing has been recorded yet.'}
              </p>
            ) : (
              <AuditTable entries={entries} />
            )}
          </section>
        )}
      </main>
    </>
  );
}
