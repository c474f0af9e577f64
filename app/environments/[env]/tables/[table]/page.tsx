import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { readSchema } from '@/app/environments/[env]/read-schema';
import { PageHeader } from '@/components/layout/page-header';
import { tableHref } from '@/components/erd/format';
import { schemaColor } from '@/components/erd/schema-colors';
import { TableDetails } from '@/components/erd/table-details';
import type { Protection } from '@/lib/config/environments';
import { lookupFromMap, toClassificationMap } from '@/lib/erd/classification-map';
import { policiesFor } from '@/lib/retention/load-policies';
import { basisText, retentionPeriod } from '@/lib/retention/describe';
import { pagePrincipal } from '@/app/guard';
import { environmentOr404 } from '@/app/environments/[env]/environment-or-404';
import { seedAvailability } from '@/app/environments/[env]/seed-availability';
import { TableSeedActions } from '@/components/seed/table-seed-actions';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ env: string; table: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { env, table } = await params;
  return { title: `${decodeURIComponent(table)} · ${decodeURIComponent(env)}` };
}

/** One table of one environment, everything introspection knows, rendered on the server. */
export default async function TablePage({ params }: Params) {
  const principal = await pagePrincipal();
  const { env: rawEnv, table: rawTable } = await params;
  const env = decodeURIComponent(rawEnv);
  const tableId = decodeURIComponent(rawTable);
  const target = environmentOr404(env);
  const { config, environment } = target;
  const read = await readSchema(env);
  if (!read.ok && read.status === 404) notFound();
  if (!read.ok) {
    return (
      <Shell env={env} protection={environment.protection} title={tableId}>
        <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-6">
          <h2 className="text-lg font-semibold text-red-900">Cannot read {env} right now</h2>
          <p className="mt-2 text-sm text-red-900">{read.message}</p>
        </div>
      </Shell>
    );
  }
  const table = read.model.tables.find((t) => t.id === tableId);
  if (!table) notFound();
  const color = schemaColor(table.schema);
  // null when the project's config fails to load: the Retention page names the file and the problem.
  const policies = await policiesFor(config.projectDir).catch(() => null);
  const policy = policies?.find((p) => p.table === table.id);
  return (
    <Shell env={env} protection={environment.protection} title={table.name} schema={table.schema} schemaColor={color.ink}>
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <p className="text-sm text-zinc-600">
          Read live from <span className="font-medium text-zinc-900">{env}</span> at{' '}
          <time dateTime={read.model.introspectedAt}>{new Date(read.model.introspectedAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' })}</time> (PostgreSQL{' '}
          {read.model.serverVersion}).
        </p>
        <TableSeedActions env={env} table={table.id} availability={await seedAvailability(principal, target)} />
      </div>
      <TableDetails
        model={read.model}
        table={table}
        variant="page"
        classify={lookupFromMap(toClassificationMap(policies ?? []))}
        retention={
          <Link href={`/environments/${encodeURIComponent(env)}/retention`} data-testid="table-retention" className="text-blue-700 hover:underline">
            {policy ? `${retentionPeriod(policy)}${basisText(policy)}` : policies ? 'no policy declared (unclassified)' : 'policies could not be loaded (see Retention)'}
          </Link>
        }
        tableRef={(id) => (
          <Link href={tableHref(env, id)} className="font-mono text-[13px] text-blue-700 hover:underline">
            {id}
          </Link>
        )}
      />
    </Shell>
  );
}

function Shell({
  env,
  protection,
  title,
  schema,
  schemaColor: ink,
  children,
}: {
  env: string;
  protection: Protection;
  title: string;
  schema?: string;
  schemaColor?: string;
  children: React.ReactNode;
}) {
  return (
    <>
      <PageHeader
        environment={{ name: env, protection }}
        trail={[{ label: 'Schema diagram', href: `/environments/${encodeURIComponent(env)}/erd` }]}
        crumb={schema ? `${schema}.${title}` : title}
        title={
          <span className="font-mono font-bold">
            {schema && <span style={{ color: ink }}>{schema}.</span>}
            {title}
          </span>
        }
      />
      <main id="main" className="mx-auto max-w-7xl px-4 py-8 sm:px-6 lg:px-8">
        {children}
      </main>
    </>
  );
}
