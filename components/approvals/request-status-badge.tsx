import type { RequestStatus } from '@/lib/auth/types';
import { Badge } from '@/components/ui/badge';
import { REQUEST_STATUS } from './request-display';

/**
 * A request's status as a pill: pending amber, approved blue, rejected and failed red,
 * executing violet, executed green, expired grey. The word is always there; the colour
 * only helps. (Badge has no blue, so approved draws its own pill in the same shape.)
 */
export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  const look = REQUEST_STATUS[status] ?? { tone: 'neutral' as const, label: String(status) };
  const content = (
    <>
      <span className="sr-only">Status: </span>
      {look.label}
    </>
  );
  if (look.tone !== 'blue') return <Badge tone={look.tone}>{content}</Badge>;
  return (
    <span className="inline-flex items-center gap-1.5 rounded-full bg-blue-50 px-2.5 py-0.5 text-xs font-medium text-blue-800 ring-1 ring-blue-600/30 ring-inset">
      <span aria-hidden="true" className="size-1.5 rounded-full bg-blue-600" />
      {content}
    </span>
  );
}
