import { userChangeSchema } from '@/lib/console/api-schemas';
import { withConsole } from '@/lib/auth/console-db';
import type { User } from '@/lib/auth/types';
import { disableUser, getUser, setRole, USERNAME_PATTERN } from '@/lib/auth/users';
import { loadConfig } from '@/lib/config/environments';
import type { Sql } from '@/lib/db/client';
import { audited } from '@/lib/console/audited';
import { StrataError } from '@/lib/errors';
import { enterDoor } from '@/app/guard';
import { readJson } from '@/app/read-json';
import { decodedSegment as decoded } from '@/app/path-segment';

export const dynamic = 'force-dynamic';

const body = userChangeSchema;

/**
 * POST { role } or { disabled: true }: an admin changes a user's role or disables the
 * account (refused when it would leave no enabled admin). Answers the user.
 */
export async function POST(request: Request, { params }: { params: Promise<{ username: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { principal } = door;
  const refused = await door.authorize('users.manage');
  if (refused) return refused;
  const change = await readJson(request, body);
  if (change instanceof Response) return change;
  try {
    const username = decoded((await params).username);
    if (!USERNAME_PATTERN.test(username)) throw new StrataError('NOT_FOUND', 'No such user');
    const config = loadConfig();
    const found = async (sql: Sql): Promise<User> => {
      const user = await getUser(sql, username);
      if (!user) throw new StrataError('NOT_FOUND', `No user named ${username}`);
      return user;
    };
    const changed =
      'role' in change
        ? await audited(
            config,
            principal,
            { action: 'role-change', target: username },
            () => withConsole(config, async (sql) => ({ before: await found(sql), after: await setRole(sql, username, change.role, principal.username) })),
            ({ before, after }) => ({ outcome: 'ok', detail: before.role === after.role ? `already ${after.role}` : `${before.role} → ${after.role}` }),
          )
        : await audited(
            config,
            principal,
            { action: 'user-disable', target: username },
            () => withConsole(config, async (sql) => ({ before: await found(sql), after: await disableUser(sql, username, principal.username) })),
            ({ before }) => ({ outcome: 'ok', detail: before.disabled ? 'already disabled' : null }),
          );
    return Response.json(changed.after, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return door.refuse(error);
  }
}
