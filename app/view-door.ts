import 'server-only';
import type { Action } from '@/lib/auth/guard';
import { findEnvironment, loadConfig } from '@/lib/config/environments';
import { Door, enterDoor } from './guard';

/**
 * The named-view doors' common first steps: signed in (401, a change audited), allowed
 * `action` (403, audited), and an environment the configuration has (404 before any body is
 * read or anything stored).
 */
export async function viewDoor(request: Request, params: Promise<{ env: string }>, action: Action): Promise<{ door: Door; env: string } | Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const refused = await door.authorize(action);
  if (refused) return refused;
  const { env } = await params;
  try {
    findEnvironment(loadConfig(), env);
  } catch (error) {
    return door.refuse(error);
  }
  return { door, env };
}
