import type { z } from 'zod/v4';

export type Checked<T> = { ok: true; value: T } | { ok: false; name: string; problem: string };

/**
 * A query or body checked against its schema: the parsed value (parameters not given left out),
 * or the first refusal as `<name>: <problem>` parts (the body as a whole is named `body`).
 */
export function check<T extends z.ZodType>(schema: T, raw: unknown): Checked<z.output<T>> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    return { ok: false, name, problem: issue.message };
  }
  const value = result.data as Record<string, unknown>;
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return { ok: true, value: value as z.output<T> };
}
