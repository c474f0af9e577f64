import { can } from '@/lib/auth/guard';
import { erdViewCreateSchema } from '@/lib/console/api-schemas';
import { loadConfig } from '@/lib/config/environments';
import { audited } from '@/lib/console/audited';
import { createErdView, listErdViews } from '@/lib/console/erd-views';
import { viewDoor } from '@/app/view-door';
import { readJson } from '@/app/read-json';

export const dynamic = 'force-dynamic';

const noStore = { 'Cache-Control': 'no-store' };

/**
 * GET the environment's named ERD views (name, author, dates, state; no layouts), by name,
 * each saying what the caller may do with it (the store decides again on every change).
 */
export async function GET(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const at = await viewDoor(request, params, 'schema.read');
  if (at instanceof Response) return at;
  try {
    const { principal } = at.door;
    const views = (await listErdViews(loadConfig(), at.env)).map((view) => {
      const mine = view.createdBy === principal.username;
      return { ...view, mayChange: mine, mayDelete: mine || can(principal, 'view.manage') };
    });
    return Response.json({ views }, { headers: noStore });
  } catch (error) {
    return at.door.refuse(error, at.env);
  }
}

/**
 * POST { name, state, positions? }: save a view under a name not yet used on this environment
 * (any signed-in role: a view changes no database). Answers 201 with the stored view, its
 * state in canonical form; 409 ALREADY_EXISTS for a taken name.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const at = await viewDoor(request, params, 'view.save');
  if (at instanceof Response) return at;
  const input = await readJson(request, erdViewCreateSchema);
  if (input instanceof Response) return input;
  try {
    const config = loadConfig();
    const view = await audited(
      config,
      at.door.principal,
      { action: 'view-save', environment: at.env, target: input.name },
      () => createErdView(config, at.door.principal, at.env, { name: input.name, state: input.state, positions: input.positions ?? {} }),
      (v) => ({ outcome: 'ok', target: `view ${v.id}: ${v.name}` }),
    );
    return Response.json(view, { status: 201, headers: { ...noStore, Location: `/api/environments/${encodeURIComponent(at.env)}/views/${view.id}` } });
  } catch (error) {
    return at.door.refuse(error, at.env);
  }
}
