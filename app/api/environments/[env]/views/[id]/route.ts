import { erdViewChangeSchema } from '@/lib/console/api-schemas';
import { loadConfig } from '@/lib/config/environments';
import { audited } from '@/lib/console/audited';
import { assertViewAccess, deleteErdView, getErdView, updateErdView, viewId } from '@/lib/console/erd-views';
import { viewDoor } from '@/app/view-door';
import { readJson } from '@/app/read-json';

export const dynamic = 'force-dynamic';

const noStore = { 'Cache-Control': 'no-store' };
type Params = { params: Promise<{ env: string; id: string }> };

/** GET one named view with its layout; 404 for an id this environment does not have. */
export async function GET(request: Request, { params }: Params): Promise<Response> {
  const at = await viewDoor(request, params, 'schema.read');
  if (at instanceof Response) return at;
  try {
    return Response.json(await getErdView(loadConfig(), at.env, viewId((await params).id)), { headers: noStore });
  } catch (error) {
    return at.door.refuse(error, at.env);
  }
}

/** POST { name?, state?, positions? }: rename a view or replace its state or layout — its author only (403 otherwise). */
export async function POST(request: Request, { params }: Params): Promise<Response> {
  const at = await viewDoor(request, params, 'view.save');
  if (at instanceof Response) return at;
  const change = await readJson(request, erdViewChangeSchema);
  if (change instanceof Response) return change;
  try {
    const config = loadConfig();
    const id = viewId((await params).id);
    await assertViewAccess(config, at.door.principal, at.env, id, 'change');
    const view = await audited(
      config,
      at.door.principal,
      { action: 'view-change', environment: at.env, target: `view ${id}`, intent: change.name !== undefined ? `rename to ${change.name}` : null },
      () => updateErdView(config, at.door.principal, at.env, id, change),
      (v) => ({ outcome: 'ok', target: `view ${v.id}: ${v.name}` }),
    );
    return Response.json(view, { headers: noStore });
  } catch (error) {
    return at.door.refuse(error, at.env);
  }
}

/** DELETE a named view — its author, or an admin (403 otherwise). Answers { deleted }. */
export async function DELETE(request: Request, { params }: Params): Promise<Response> {
  const at = await viewDoor(request, params, 'view.save');
  if (at instanceof Response) return at;
  try {
    const config = loadConfig();
    const id = viewId((await params).id);
    await assertViewAccess(config, at.door.principal, at.env, id, 'delete');
    const deleted = await audited(
      config,
      at.door.principal,
      { action: 'view-delete', environment: at.env, target: `view ${id}` },
      () => deleteErdView(config, at.door.principal, at.env, id),
      (v) => ({ outcome: 'ok', target: `view ${v.id}: ${v.name}`, detail: `by ${v.createdBy}` }),
    );
    return Response.json({ deleted }, { headers: noStore });
  } catch (error) {
    return at.door.refuse(error, at.env);
  }
}
