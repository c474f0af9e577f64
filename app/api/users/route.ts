import { userCreateSchema } from '@/lib/console/api-schemas';
import { withConsole } from '@/lib/auth/console-db';
import { generatePassword } from '@/lib/auth/passwords';
import { createUser } from '@/lib/auth/users';
import { loadConfig } from '@/lib/config/environments';
import { audited } from '@/lib/console/audited';
import { enterDoor } from '@/app/guard';
import { readJson } from '@/app/read-json';

export const dynamic = 'force-dynamic';

const body = userCreateSchema;

/**
 * POST { username, displayName?, role }: an admin adds a user with a generated password,
 * answered once as { user, password }. Strata keeps only the password's hash.
 */
export async function POST(request: Request): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { principal } = door;
  const refused = await door.authorize('users.manage');
  if (refused) return refused;
  const input = await readJson(request, body);
  if (input instanceof Response) return input;
  try {
    const config = loadConfig();
    const password = generatePassword();
    const user = await audited(
      config,
      principal,
      { action: 'user-add', target: input.username },
      () => withConsole(config, (sql) => createUser(sql, { username: input.username, role: input.role, password, displayName: input.displayName || null, createdBy: principal.username })),
      (u) => ({ outcome: 'ok', detail: `role ${u.role}` }),
    );
    return Response.json({ user, password }, { status: 201, headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return door.refuse(error);
  }
}
