import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { readProject } from '../changesets/project';
import type { StrataConfig } from '../config/environments';
import { readTarget } from '../migrate/read-status';

/**
 * Prometheus metrics computed from each target's strata.change_log at scrape time. The
 * console is stateless and the CLI runs in other processes, so in-memory counters would
 * miss most runs; the history in the target is the one source every console agrees on.
 */
export async function renderMetrics(config: StrataConfig): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const registers = [registry];
  const runs = new Counter({ name: 'strata_changeset_runs_total', help: 'Change set runs recorded in strata.change_log', labelNames: ['env', 'operation', 'direction', 'status'], registers });
  const rows = new Counter({ name: 'strata_changeset_rows_affected_total', help: 'Rows affected by change set runs', labelNames: ['env', 'direction'], registers });
  const duration = new Histogram({
    name: 'strata_changeset_duration_seconds',
    help: 'Duration of change set runs',
    labelNames: ['env', 'direction', 'status'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600],
    registers,
  });
  const up = new Gauge({ name: 'strata_environment_up', help: '1 when the environment answered', labelNames: ['env'], registers });
  const version = new Gauge({ name: 'strata_schema_version', help: 'Journal position of the last applied change set (-1: none)', labelNames: ['env', 'tag'], registers });
  const pending = new Gauge({ name: 'strata_changesets_pending', help: 'Change sets waiting to be applied, in journal order', labelNames: ['env'], registers });
  const outOfOrder = new Gauge({ name: 'strata_changesets_out_of_order', help: 'Change sets merged before already-applied ones, not applied', labelNames: ['env'], registers });
  const edited = new Gauge({ name: 'strata_changesets_checksum_mismatch', help: 'Applied change sets whose file changed since', labelNames: ['env'], registers });
  const failed = new Gauge({ name: 'strata_changesets_failed', help: 'Change sets failed and not resolved', labelNames: ['env'], registers });
  const interrupted = new Gauge({
    name: 'strata_changesets_interrupted',
    help: 'No-transaction change sets started with no outcome yet (running now, or stopped half-way) and not resolved',
    labelNames: ['env'],
    registers,
  });
  const lastAt = new Gauge({ name: 'strata_last_migration_timestamp_seconds', help: 'When the last apply or rollback finished', labelNames: ['env'], registers });

  const project = readProject(config.projectDir);
  await Promise.all(
    config.environments.map(async (env) => {
      try {
        const { status, history } = await readTarget(env.url, project);
        up.set({ env: env.name }, 1);
        for (const h of history) {
          // A `started` row only announces a no-transaction run; its outcome row is the run.
          if (h.status === 'started') continue;
          runs.inc({ env: env.name, operation: h.operation, direction: h.direction, status: h.status });
          if (h.operation === 'apply' || h.operation === 'rollback') {
            duration.observe({ env: env.name, direction: h.direction, status: h.status }, h.durationMs / 1000);
            rows.inc({ env: env.name, direction: h.direction }, h.rowsAffected);
          }
        }
        const index = status.schemaVersion ? project.changeSets.findIndex((c) => c.tag === status.schemaVersion) : -1;
        version.set({ env: env.name, tag: status.schemaVersion ?? '' }, index);
        pending.set({ env: env.name }, status.counts.pending);
        outOfOrder.set({ env: env.name }, status.counts.out_of_order);
        edited.set({ env: env.name }, status.counts.checksum_mismatch);
        failed.set({ env: env.name }, status.counts.failed);
        interrupted.set({ env: env.name }, status.counts.interrupted);
        if (status.lastMigrationAt) lastAt.set({ env: env.name }, status.lastMigrationAt.getTime() / 1000);
      } catch {
        up.set({ env: env.name }, 0);
      }
    }),
  );
  return { contentType: registry.contentType, body: await registry.metrics() };
}
