import 'server-only';
import type { z } from 'zod';
import type { Refused } from './guard';

/** A door's input validated by its zod schema, or the 400 that names the first problem. */
export function parsed<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> | Refused {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return { ok: false, status: 400, code: 'BAD_USAGE', message: `Invalid request: ${issue?.path.join('.') || 'body'}: ${issue?.message}` };
}

export const isRefused = (value: unknown): value is Refused => typeof value === 'object' && value !== null && (value as Refused).ok === false;
