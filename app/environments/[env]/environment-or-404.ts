import 'server-only';
import { notFound } from 'next/navigation';
import { operationTarget, type OperationTarget } from '@/lib/console/environment-operations';
import { isStrataError } from '@/lib/errors';

/** The configured environment named in the URL, with config and project (the one resolution every door uses); Next's 404 page otherwise. */
export function environmentOr404(name: string): OperationTarget {
  try {
    return operationTarget(name);
  } catch (error) {
    if (isStrataError(error, 'UNKNOWN_ENVIRONMENT')) notFound();
    throw error;
  }
}
