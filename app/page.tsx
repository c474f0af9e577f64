import { loadConfig } from '@/lib/config/environments';
import { readProject } from '@/lib/changesets/project';
import { readPipeline } from '@/lib/console/pipeline';
import { allEnvironmentHealth } from '@/lib/health/environment-health';
import { PipelineMatrix } from '@/components/pipeline/pipeline-matrix';
import { capabilitiesFor } from '@/components/operations/capabilities';
import { pagePrincipal } from '@/app/guard';
import { EnvironmentPipeline } from '@/components/environments/environment-pipeline';
import { ProtectionLegend } from '@/components/environments/protection-legend';
import { formatAbsolute } from '@/components/environments/environment-display';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/layout/page-header';
import { HomeFleets } from '@/components/fleet/home-fleets';

// Health is read from live databases on every request; `next build` must never connect.
export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const principal = await pagePrincipal();
  const config = loadConfig();
  const [environments, overview] = await Promise.all([allEnvironmentHealth(config), readPipeline(config, readProject(config.projectDir))]);
  const now = new Date();
  const total = environments[0]?.totalChangeSets ?? 0;
  const unreachable = environments.filter((e) => !e.reachable).length;

  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2.5">
            {/* The console's icon (public/icon.svg), decorative beside the name. */}
            <img src="/icon.svg" alt="" width={36} height={36} className="size-9" />
            Strata
          </span>
        }
        description="Versioned PostgreSQL schema changes — applied, dry-run and rolled back with care, environment by environment."
        actions={
          config.mode === 'embedded' && (
            <Badge tone="neutral" title="Strata runs its own PostgreSQL under .strata/ with three demo environments">
              Embedded demo
            </Badge>
          )
        }
      />

      <main id="main" className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-8 sm:px-6 lg:px-8">
        <div className="flex flex-wrap items-baseline justify-between gap-x-6 gap-y-1">
          <h2 className="text-lg font-semibold text-zinc-900">Environments</h2>
          <p className="text-sm text-zinc-600">
            {environments.length} in pipeline order · journal of {total} change sets · checked{' '}
            <time dateTime={now.toISOString()}>{formatAbsolute(now.toISOString())}</time>
          </p>
        </div>

        {unreachable > 0 && (
          <p role="status" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm font-medium text-red-800">
            {unreachable === 1 ? '1 environment is' : `${unreachable} environments are`} unreachable.
          </p>
        )}

        <EnvironmentPipeline environments={environments} now={now} />

        <HomeFleets config={config} principal={principal} />

        <PipelineMatrix overview={overview} capabilities={Object.fromEntries(config.environments.map((e) => [e.name, capabilitiesFor(principal, e.protection)]))} />

        <section aria-labelledby="protection-heading" className="border-t border-zinc-200 pt-6">
          <h2 id="protection-heading" className="mb-3 text-sm font-semibold text-zinc-900">
            Protection levels
          </h2>
          <ProtectionLegend />
        </section>
      </main>
    </>
  );
}
