import type { Metadata } from 'next';
import { pagePrincipal } from '@/app/guard';
import { withConsole } from '@/lib/auth/console-db';
import { can } from '@/lib/auth/guard';
import { approvalRefusal, listRequests } from '@/lib/auth/requests';
import type { ChangeRequest, User } from '@/lib/auth/types';
import { listUsers } from '@/lib/auth/users';
import { AdminGrants } from '@/components/approvals/admin-grants';
import { loadConfig } from '@/lib/config/environments';
import { requestPlace } from '@/lib/console/change-requests';
import { describeOperationError } from '@/lib/console/describe-error';
import { PageHeader } from '@/components/layout/page-header';
import { ErrorNotice } from '@/components/layout/notices';
import { RequestCard, type RequestPermissions } from '@/components/approvals/request-card';
import { orderRequests, sameUser } from '@/components/approvals/request-display';
import { describeRequest } from '@/lib/console/request-kinds';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Approvals' };

/**
 * Every change request on protected environments (two-person approval), pending ones first,
 * then newest first, each with the actions the signed-in person may take on it now.
 */
export default async function ApprovalsPage() {
  const principal = await pagePrincipal();
  const config = loadConfig();
  const now = new Date();
  let requests: ChangeRequest[] = [];
  let users: User[] = [];
  let failure: string | null = null;
  try {
    [requests, users] = await withConsole(config, (sql) => Promise.all([listRequests(sql).then(orderRequests), listUsers(sql)]));
  } catch (error) {
    failure = describeOperationError(error, config.consoleDatabaseUrl).message;
  }
  const me = users.find((u) => sameUser(u.username, principal.username)) ?? null;
  const pending = requests.filter((r) => r.status === 'pending').length;
  const approved = requests.filter((r) => r.status === 'approved').length;

  const permissionsFor = (request: ChangeRequest): RequestPermissions => {
    // A rollout request's place is its fleet; any other request's, its environment.
    const environment = requestPlace(config, request);
    const context = { protection: environment?.protection, environment: request.environment };
    return {
      configured: environment !== undefined,
      mine: sameUser(request.requestedBy, principal.username),
      canApprove: environment !== undefined && can(principal, 'request.approve', context),
      approvalRefused: request.status === 'pending' && !sameUser(request.requestedBy, principal.username) ? approvalRefusal(request, me) : null,
      canReject: environment !== undefined && can(principal, 'request.reject', context),
      canExecute: environment !== undefined && can(principal, 'request.execute', context),
    };
  };

  return (
    <>
      <PageHeader
        title="Approvals"
        titleTestId="page-title"
        crumb="Approvals"
        description={
          <p>
            Changes to protected environments need two people: one requests (an apply or rollback with a shadow dry run attached, or a
          fix of one change set: resolve, skip, un-skip; or a protected fleet&apos;s whole rollout), another admin approves or rejects, then an operator executes it — once, before it expires.
          </p>
        }
      />
      <main id="main" className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-8 sm:px-6 lg:px-8">
        {failure ? (
          <ErrorNotice title="The change requests could not be read" message={failure} testId="approvals-error" />
        ) : (
          <>
            <p role="status" data-testid="requests-count" className="text-sm text-zinc-600">
              {requests.length === 0
                ? 'No change requests yet.'
                : `${requests.length} ${requests.length === 1 ? 'request' : 'requests'} · ${pending} pending · ${approved} approved, waiting to be executed`}
            </p>
            {requests.length === 0 ? (
              <p data-testid="requests-empty" className="rounded-xl border border-dashed border-zinc-300 p-8 text-center text-sm text-zinc-600">
                Requests are made from a protected environment&apos;s page: its apply and roll back buttons ask for approval there.
              </p>
            ) : (
              <ol aria-label="Change requests" className="flex flex-col gap-5">
                {requests.map((request) => (
                  <li key={request.id}>
                    <RequestCard request={request} description={describeRequest(request)} permissions={permissionsFor(request)} now={now} />
                  </li>
                ))}
              </ol>
            )}
            <AdminGrants users={users} requests={requests} />
          </>
        )}
      </main>
    </>
  );
}
