import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import type { ChangeSet } from '@/lib/changesets/project';
import type { Environment } from '@/lib/config/environments';
import { readColumn } from '@/lib/console/pipeline';
import { environmentOr404 } from '../../environment-or-404';
import { HistoryTable } from '@/components/history/history-table';
import { PageHeader } from '@/components/layout/page-header';
import { OperationButton, type OperationKind } from '@/components/operations/operation-dialog';
import { capabilitiesFor, fixWaysFor, operationKind } from '@/components/operations/capabilities';
import { incidentOf } from '@/lib/console/change-set-incident';
import { optionalChangeSets } from '@/lib/project/load-project';
import { ChangeSetIncident } from '@/components/changesets/change-set-incident';
import { ChangeSetFixes } from '@/components/changesets/change-set-fixes';
import { pagePrincipal } from '@/app/guard';
import { CELL_STATE } from '@/components/pipeline/cell-state';
import { AnnotatedSql } from '@/components/lint/annotated-sql';
import { FindingList } from '@/components/lint/finding-card';
import { countFindings } from '@/components/lint/segments';
import { lintProject } from '@/lib/lint';
import { readLiveContext } from '@/lib/lint/live-context';
import type { LintFinding } from '@/lib/lint/types';
import type { Project } from '@/lib/changesets/project';
import { splitStatements } from '@/lib/changesets/statements';
import { Badge } from '@/components/ui/badge';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ env: string; version: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { env, version } = await params;
  return { title: `Change set ${decodeURIComponent(version)} · ${decodeURIComponent(env)}` };
}

/**
 * One change set: its SQL both ways, whether its file still matches what was applied,
 * its history on every environment, and a dry run of applying or rolling it back here.
 */
export default async function ChangeSetPage({ params }: Params) {
  const principal = await pagePrincipal();
  const { env: rawEnv, version } = await params;
  const env = decodeURIComponent(rawEnv);
  const { config, environment, project } = environmentOr404(env);
  const changeSet = project.changeSets.find((c) => String(c.version) === version || c.tag === version);
  if (!changeSet) notFound();
  const columns = await Promise.all(config.environments.map((e) => readColumn(e, project)));
  const here = columns.find((c) => c.name === env)!;
  const cell = here.cells[changeSet.tag];
  const appliedHere = project.changeSets.filter((c) => here.cells[c.tag]?.state === 'applied');
  const kind = operationKind(capabilitiesFor(principal, environment.protection));
  const lint = await lintHere(project, changeSet, environment.url);
  const forwardFindings = lint.findings.filter((f) => f.fileKind === 'forward');
  const rollbackFindings = lint.findings.filter((f) => f.fileKind === 'rollback');
  const checksFindings = lint.findings.filter((f) => f.fileKind === 'checks');
  const counts = countFindings(lint.findings);
  const optional = (await optionalChangeSets(project.dir)).includes(changeSet.tag);
  const ways = cell ? fixWaysFor(principal, environment.protection, cell.state, optional) : [];
  const needsPerson = cell && ['failed', 'interrupted', 'checksum_mismatch', 'skipped'].includes(cell.state);
  const incident = needsPerson ? await incidentOf(project, changeSet.tag, here.history) : null;

  return (
    <>
      <PageHeader
        environment={{ name: env, protection: environment.protection }}
        title={env}
        titleTestId="environment-name"
        subtitle={<span className="font-mono">{changeSet.tag}</span>}
        crumb={`Change set ${changeSet.tag}`}
      />
      <main id="main" className="mx-auto flex max-w-7xl flex-col gap-8 px-4 py-8 sm:px-6 lg:px-8">
        <section aria-labelledby="state-heading" className="flex flex-col gap-3">
          <h2 id="state-heading" className="text-lg font-semibold text-zinc-900">
            State and checksum
          </h2>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="text-zinc-600">Here ({env})</dt>
            <dd data-testid="changeset-state" data-state={cell?.state ?? 'unknown'}>
              {cell ? <Badge tone={CELL_STATE[cell.state].tone}>{CELL_STATE[cell.state].label}</Badge> : <span className="text-red-700">unreachable</span>}
              {optional && (
                <span className="ml-2">
                  <Badge tone="neutral">optional</Badge>
                </span>
              )}
              {cell?.reason && !incident && <p className="mt-1 text-zinc-700">{cell.reason}</p>}
            </dd>
            <dt className="text-zinc-600">File checksum (sha256)</dt>
            <dd className="font-mono text-xs break-all">{changeSet.forward.checksum}</dd>
            <dt className="text-zinc-600">Matches what was applied</dt>
            <dd>
              {columns.map((c) => {
                const s = c.cells[changeSet.tag]?.state;
                const text = !c.reachable ? 'unreachable' : s === 'checksum_mismatch' ? 'NO — edited after apply' : s === 'applied' || s === 'out_of_order' ? 'yes' : 'not applied';
                return (
                  <span key={c.name} className="mr-4 inline-block">
                    {c.name}: <strong className={s === 'checksum_mismatch' ? 'text-red-700' : ''}>{text}</strong>
                  </span>
                );
              })}
            </dd>
          </dl>
          {cell && incident && (
            <ChangeSetIncident
              tag={changeSet.tag}
              state={cell.state}
              last={incident.last}
              reason={cell.reason}
              failureFile={incident.failureFile}
              failureLine={incident.failureLine}
              fileChecksum={changeSet.forward.checksum}
            />
          )}
          <ChangeSetFixes env={env} protection={environment.protection} tag={changeSet.tag} ways={ways} />
          {kind && <DryRunAction env={env} protection={environment.protection} changeSet={changeSet} state={cell?.state} appliedHere={appliedHere} kind={kind} />}
        </section>

        <section aria-labelledby="lint-heading" className="flex flex-col gap-2" data-testid="lint-summary" data-errors={counts.errors} data-warnings={counts.warnings}>
          <h2 id="lint-heading" className="text-lg font-semibold text-zinc-900">
            Lint
          </h2>
          <p className="text-sm text-zinc-700">
            {counts.errors === 0 && counts.warnings === 0 ? 'No findings' : `${counts.errors} error${counts.errors === 1 ? '' : 's'}, ${counts.warnings} warning${counts.warnings === 1 ? '' : 's'}`}
            {counts.silenced > 0 && `, ${counts.silenced} silenced with a reason`} · judged against {env}
            {lint.context}. Each finding sits above the statement it concerns.
          </p>
          <FindingList findings={lint.findings.filter((f) => f.statementIndex === null)} label="Findings on the whole change set" />
        </section>

        <section aria-labelledby="sql-heading" className="grid gap-6 lg:grid-cols-2">
          <h2 id="sql-heading" className="sr-only">
            SQL
          </h2>
          <div className="flex min-w-0 flex-col gap-2">
            <h3 className="text-sm font-semibold text-zinc-700">Forward · {changeSet.forward.file}{changeSet.forward.noTransaction ? ' · no transaction' : ''}</h3>
            <AnnotatedSql sql={changeSet.forward.text} label={`Forward SQL of ${changeSet.tag}`} findings={forwardFindings} />
          </div>
          <div className="flex min-w-0 flex-col gap-2">
            <h3 className="text-sm font-semibold text-zinc-700">Rollback · {changeSet.rollback?.file ?? 'none'}</h3>
            {changeSet.rollback ? (
              <AnnotatedSql sql={changeSet.rollback.text} label={`Rollback SQL of ${changeSet.tag}`} findings={rollbackFindings} />
            ) : (
              <p className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-950">No rollback file: this change set cannot be rolled back by Strata.</p>
            )}
          </div>
          {changeSet.checks && (
            <div className="flex min-w-0 flex-col gap-2 lg:col-span-2" data-testid="changeset-checks">
              <h3 className="text-sm font-semibold text-zinc-700">Checks · {changeSet.checks.file}</h3>
              <p className="text-sm text-zinc-600">
                Each query must return no rows when this change set is applied: those under <code className="font-mono">-- strata:before</code> run before its statements, the others after them, in its transaction. One that returns rows fails and undoes the change set.
              </p>
              <AnnotatedSql sql={changeSet.checks.text} label={`Checks of ${changeSet.tag}`} findings={checksFindings} />
            </div>
          )}
        </section>

        <section aria-labelledby="everywhere-heading" className="flex flex-col gap-3">
          <h2 id="everywhere-heading" className="text-lg font-semibold text-zinc-900">
            History on every environment
          </h2>
          <div className="flex flex-col gap-5" data-testid="changeset-history">
            {columns.map((c) => (
              <section key={c.name} aria-labelledby={`history-${c.name}`} className="flex flex-col gap-2">
                <h3 id={`history-${c.name}`} className="text-sm font-semibold text-zinc-700">
                  <Link href={`/environments/${encodeURIComponent(c.name)}#history`} className="text-blue-700 hover:underline">
                    {c.name}
                  </Link>
                </h3>
                {c.reachable ? (
                  <Suspense>
                    <HistoryTable entries={c.history} env={c.name} changeSet={changeSet.tag} />
                  </Suspense>
                ) : (
                  <p className="text-sm text-red-700">Unreachable: {c.error}</p>
                )}
              </section>
            ))}
          </div>
        </section>
      </main>
    </>
  );
}

function DryRunAction({
  env,
  protection,
  changeSet,
  state,
  appliedHere,
  kind,
}: {
  env: string;
  protection: Environment['protection'];
  changeSet: ChangeSet;
  state: string | undefined;
  appliedHere: ChangeSet[];
  kind: OperationKind;
}) {
  const verb = kind === 'request' ? 'Request' : kind === 'dry-run' ? 'Dry-run' : 'Dry-run and';
  if (state === 'pending' || state === 'rolled_back') {
    return (
      <OperationButton env={env} protection={protection} plan={{ direction: 'apply', to: changeSet.tag, expected: 1, label: `${verb} apply up to ${changeSet.tag}` }} kind={kind} />
    );
  }
  // Sits before applied change sets (un-skipped, or merged late): applied only when asked for by name. Not as a request.
  if (state === 'out_of_order' && kind !== 'request') {
    return (
      <OperationButton env={env} protection={protection} plan={{ direction: 'apply', to: changeSet.tag, includeOutOfOrder: true, expected: 1, label: `${verb} apply ${changeSet.tag} out of order` }} kind={kind} />
    );
  }
  if (state === 'applied' && changeSet.rollback) {
    const index = appliedHere.findIndex((c) => c.tag === changeSet.tag);
    const previous = appliedHere[index - 1];
    const count = appliedHere.length - index;
    return (
      <OperationButton
        env={env}
        protection={protection}
        tone="danger"
        plan={
          previous
            ? { direction: 'rollback', to: previous.tag, expected: count, label: `${verb} roll back ${count === 1 ? 'this change set' : `this and the ${count - 1} after it`}` }
            : { direction: 'rollback', steps: count, expected: count, label: `${verb} roll back ${count === 1 ? 'this change set' : `this and the ${count - 1} after it`}` }
        }
        kind={kind}
      />
    );
  }
  return null;
}

/**
 * This change set's lint findings, judged against the environment's server version and row
 * counts when it answers; offline (rows unknown, so missing defaults stay warnings) when not.
 */
async function lintHere(project: Project, changeSet: ChangeSet, url: string): Promise<{ findings: LintFinding[]; context: string }> {
  const tag = changeSet.tag;
  let live: Awaited<ReturnType<typeof readLiveContext>> | null = null;
  try {
    // Count only the tables this change set names: a page view must not count every table of a big schema.
    // (A file that does not parse names none; lint reports the syntax error itself.)
    const tables = await splitStatements(changeSet.forward).then((statements) => [...new Set(statements.flatMap((s) => s.tables))], () => []);
    live = await readLiveContext(url, { tables });
  } catch {
    live = null;
  }
  const report = await lintProject(project, live ? { tags: [tag], serverVersion: live.serverVersion, tableRows: (t) => live.rows.get(t) ?? null } : { tags: [tag] });
  return {
    findings: report.changeSets.flatMap((c) => c.findings),
    context: live ? ` (PostgreSQL ${live.serverVersion}, its live row counts)` : ' — unreachable, so without its row counts',
  };
}
