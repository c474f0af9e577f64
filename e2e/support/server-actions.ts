import fs from 'node:fs';
import type { APIRequestContext } from '@playwright/test';
import { rawRequest } from './raw-http';

/**
 * Calling a server action the way a forger would: a plain POST to a page with the action's
 * id in the `Next-Action` header and its arguments as the body, no browser, no button. The
 * ids come from the production build's manifest (.next is what the e2e server serves), so a
 * hidden button is never mistaken for a guarded door.
 */
interface ManifestEntry {
  filename?: string;
  exportedName?: string;
}

function manifest(): Record<string, ManifestEntry> {
  const text = fs.readFileSync('.next/server/server-reference-manifest.json', 'utf8');
  return (JSON.parse(text) as { node: Record<string, ManifestEntry> }).node;
}

/** The exported action names the build found in a file. */
export function actionsIn(file: string): string[] {
  return Object.values(manifest())
    .filter((entry) => entry.filename === file)
    .map((entry) => entry.exportedName!)
    .sort();
}

export function actionId(file: string, name: string): string {
  const found = Object.entries(manifest()).find(([, entry]) => entry.filename === file && entry.exportedName === name);
  if (!found) throw new Error(`No server action ${name} in ${file} in the build's manifest (run next build)`);
  return found[0];
}

/** The action's answer as Next.js serialises it (React's flight format): its text, to look for a refusal's code in. */
export async function callServerAction(request: APIRequestContext, page: string, file: string, name: string, args: unknown[]): Promise<{ status: number; text: string }> {
  const response = await request.post(page, {
    headers: { 'Next-Action': actionId(file, name), Accept: 'text/x-component', 'Content-Type': 'text/plain;charset=UTF-8' },
    data: JSON.stringify(args),
    maxRedirects: 0,
  });
  return { status: response.status(), text: await response.text() };
}

/**
 * The same forged post, signed out, from another loopback address: refusals are audited at
 * most 20 a minute per caller and address (lib/console/refusals.ts), so a test that checks the
 * trail for every door sends the server actions from an address of their own.
 */
export async function callServerActionFrom(from: string, page: string, file: string, name: string, args: unknown[]): Promise<{ status: number; text: string }> {
  const answer = await rawRequest({
    method: 'POST',
    path: page,
    from,
    headers: { 'next-action': actionId(file, name), accept: 'text/x-component', 'content-type': 'text/plain;charset=UTF-8' },
    body: JSON.stringify(args),
  });
  return { status: answer.status, text: answer.text };
}
