import type { ChangeRequest, User } from '@/lib/auth/types';
import { formatTimestamp, isoTimestamp } from '@/components/history/history-filter';
import { Badge } from '@/components/ui/badge';

/**
 * Who can approve, and how each came to be admin: created by whom, promoted by whom, when.
 * An approval counts only from an admin the requester did not make or promote and who was
 * admin before the request was filed, so a grant made after a pending request is flagged.
 */
export function AdminGrants({ users, requests }: { users: User[]; requests: ChangeRequest[] }) {
  const admins = users.filter((u) => u.role === 'admin').sort((a, b) => Date.parse(b.roleChangedAt) - Date.parse(a.roleChangedAt));
  const oldestPending = requests.filter((r) => r.status === 'pending').reduce<number | null>((min, r) => Math.min(min ?? Infinity, Date.parse(r.requestedAt)), null);
  return (
    <section aria-labelledby="admin-grants-heading" className="flex flex-col gap-3" data-testid="admin-grants">
      <div>
        <h2 id="admin-grants-heading" className="text-lg font-semibold text-zinc-900">
          Who can approve
        </h2>
        <p className="text-sm text-zinc-600">
          Admins, newest grant first. Granting admin is audited; an approval never counts from an admin the requester made or promoted, or who became admin after the
          request was filed.
        </p>
      </div>
      <div tabIndex={0} role="region" aria-label="Admin grants" className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium tracking-wide text-zinc-500 uppercase">
            <tr>
              <th scope="col" className="px-4 py-2.5 font-medium">Admin</th>
              <th scope="col" className="px-4 py-2.5 font-medium">Admin since (UTC)</th>
              <th scope="col" className="px-4 py-2.5 font-medium">Made admin by</th>
              <th scope="col" className="px-4 py-2.5 font-medium">Account created by</th>
              <th scope="col" className="px-4 py-2.5 font-medium">Status</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {admins.map((u) => {
              const recent = oldestPending !== null && Date.parse(u.roleChangedAt) > oldestPending;
              return (
                <tr key={u.id} data-testid="admin-grant" data-username={u.username} className={recent ? 'bg-amber-50/50' : ''}>
                  <td className="px-4 py-2.5 font-medium text-zinc-900">{u.username}</td>
                  <td className="px-4 py-2.5 whitespace-nowrap text-zinc-700 tabular-nums">
                    <time dateTime={isoTimestamp(u.roleChangedAt)}>{formatTimestamp(u.roleChangedAt).replace(/ UTC$/, '')}</time>
                    {recent && (
                      <span className="ml-2">
                        <Badge tone="amber" title="Granted after a pending request was filed: this admin's approval does not count for it">
                          after a pending request
                        </Badge>
                      </span>
                    )}
                  </td>
                  <td className="px-4 py-2.5 text-zinc-700">{u.roleChangedBy ?? <span className="text-zinc-400">unknown</span>}</td>
                  <td className="px-4 py-2.5 text-zinc-700">{u.createdBy ?? <span className="text-zinc-400">unknown</span>}</td>
                  <td className="px-4 py-2.5">{u.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">enabled</Badge>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
