import type { Metadata } from 'next';
import { pagePrincipal } from '@/app/guard';
import { withConsole } from '@/lib/auth/console-db';
import { can } from '@/lib/auth/guard';
import type { User } from '@/lib/auth/types';
import { listUsers } from '@/lib/auth/users';
import { loadConfig } from '@/lib/config/environments';
import { describeOperationError } from '@/lib/console/describe-error';
import { PageHeader } from '@/components/layout/page-header';
import { ErrorNotice, NotAllowed } from '@/components/layout/notices';
import { AddUserForm } from '@/components/users/add-user-form';
import { UsersTable } from '@/components/users/users-table';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Users' };

/** The console's users: add one (with a generated password shown once), change roles, disable. */
export default async function UsersPage() {
  const principal = await pagePrincipal();
  if (!can(principal, 'users.manage')) {
    return (
      <>
        <PageHeader title="Users" titleTestId="page-title" crumb="Users" />
        <NotAllowed>Your role ({principal.role}) cannot manage users: it needs admin.</NotAllowed>
      </>
    );
  }
  const config = loadConfig();
  let users: User[] = [];
  let failure: string | null = null;
  try {
    users = await withConsole(config, (sql) => listUsers(sql));
  } catch (error) {
    failure = describeOperationError(error, config.consoleDatabaseUrl).message;
  }
  const enabled = users.filter((u) => !u.disabled).length;

  return (
    <>
      <PageHeader
        title="Users"
        titleTestId="page-title"
        crumb="Users"
        description={
          <p>
            Roles are ordered — viewer, developer, operator, admin — each allowed what the ones before it may. Every change here is recorded in the audit trail.
          </p>
        }
      />
      <main id="main" className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-8 sm:px-6 lg:px-8">
        {failure ? (
          <ErrorNotice title="The users could not be read" message={failure} testId="users-error" />
        ) : (
          <>
            <AddUserForm />
            <section aria-labelledby="users-heading" className="flex flex-col gap-3">
              <div className="flex flex-wrap items-baseline justify-between gap-x-6 gap-y-1">
                <h2 id="users-heading" className="text-lg font-semibold text-zinc-900">
                  Users
                </h2>
                <p data-testid="users-count" className="text-sm text-zinc-600">
                  {users.length} {users.length === 1 ? 'user' : 'users'} · {enabled} enabled
                </p>
              </div>
              {users.length === 0 ? (
                <p className="rounded-xl border border-dashed border-zinc-300 p-8 text-center text-sm text-zinc-600">No users yet.</p>
              ) : (
                <UsersTable users={users} me={principal.username} />
              )}
            </section>
          </>
        )}
      </main>
    </>
  );
}
