/** POSTs JSON to a route handler; the parsed answer, or the server's readable refusal. */
export async function postJson<T>(url: string, body: unknown): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await response.json().catch(() => null)) as (T & { message?: string }) | null;
    if (!response.ok || answer === null) return { ok: false, message: answer?.message ?? `The server answered ${response.status}.` };
    return { ok: true, value: answer };
  } catch (error) {
    return { ok: false, message: `The connection to the server was lost (${(error as Error).message}). Reload the page to see whether the change was made.` };
  }
}
