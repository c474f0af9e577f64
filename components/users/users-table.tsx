import type { User } from '@/lib/auth/types';
import { formatTimestamp, isoTimestamp } from '@/components/history/history-filter';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { UserActions } from './user-actions';

const ROLE_TONE: Record<string, BadgeTone> = { viewer: 'neutral', developer: 'green', operator: 'amber', admin: 'violet' };

/** The console's users with, per user, a role change and a disable button. */
export function UsersTable({ users, me }: { users: User[]; me: string }) {
  return (
    <div tabIndex={0} role="region" aria-label="Users" className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium tracking-wide text-zinc-500 uppercase">
          <tr>
            <th scope="col" className="px-4 py-2.5 font-medium">User name</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Display name</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Role</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Status</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Created</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Actions</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {users.map((user) => {
            const isSelf = user.username === me;
            return (
              <tr
                key={user.id}
                data-testid="user"
                data-username={user.username}
                data-role={user.role}
                data-disabled={user.disabled ? 'true' : 'false'}
                className={`align-top ${user.disabled ? 'bg-zinc-50 text-zinc-500' : ''}`}
              >
                <th scope="row" className="px-4 py-3 text-left font-mono font-medium whitespace-nowrap text-zinc-900">
                  {user.username}
                  {isSelf && <span className="ml-2 font-sans text-xs font-normal text-zinc-500">(you)</span>}
                </th>
                <td className="px-4 py-3 text-zinc-700">{user.displayName ?? <span className="text-zinc-400">—</span>}</td>
                <td className="px-4 py-3">
                  <Badge tone={ROLE_TONE[user.role] ?? 'neutral'}>{user.role}</Badge>
                </td>
                <td className="px-4 py-3 whitespace-nowrap">
                  {user.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">enabled</Badge>}
                  {user.oidcSubject && <span className="mt-1 block text-xs text-zinc-500">single sign-on</span>}
                </td>
                <td className="px-4 py-3 whitespace-nowrap text-zinc-700 tabular-nums">
                  <time dateTime={isoTimestamp(user.createdAt)}>{formatTimestamp(user.createdAt)}</time>
                </td>
                <td className="px-4 py-3">
                  <UserActions username={user.username} role={user.role} disabled={user.disabled} isSelf={isSelf} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
