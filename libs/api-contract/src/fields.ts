import { z } from 'zod/v4';

/** A JSON Schema object, as OpenAPI 3.1 takes it. */
export type JsonSchema = Record<string, unknown>;

/**
 * What a request field looks like on the wire, for the fields whose parsing zod's own types cannot
 * describe (query strings read as integers, "" as absent, a digit string as a body integer). The
 * OpenAPI generator puts it in place of what zod would say.
 */
const wire = new WeakMap<object, () => JsonSchema>();

export const wireSchemaOf = (schema: object): JsonSchema | undefined => wire.get(schema)?.();

/** A field's refusal; the validation turns it into `<name>: <problem>`. */
class Problem extends Error {
  constructor(
    message: string,
    readonly at: readonly string[],
  ) {
    super(message);
  }
}

/** Refuses the field being read (or a part of it, `at`, as in `postbacks.wait`). */
const refuse = (problem: string, at: readonly string[] = []): never => {
  throw new Problem(problem, at);
};

/** A field of a request: optional ones may be absent (the key is optional in the types too). */
export type Field<Opt extends boolean, Out, In> = Opt extends true
  ? z.ZodOptional<z.ZodType<Out, In>>
  : z.ZodType<Out, In>;

/** A request field: its own parse (refusing with `refuse`), and how the description shows it. */
function field<Out, In, const Opt extends boolean>(
  parse: (raw: unknown) => Out | undefined,
  json: () => JsonSchema,
  optional: Opt,
): Field<Opt, Out, In> {
  const base = optional ? z.unknown().optional() : z.unknown();
  const schema = base.transform((raw, ctx) => {
    try {
      return parse(raw);
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      ctx.issues.push({ code: 'custom', message: err.message, input: raw, path: [...err.at] });
      return z.NEVER;
    }
  });
  wire.set(schema, json);
  // The optional wrapper is what the object types read; at run time the transform sees `undefined`.
  return schema as unknown as Field<Opt, Out, In>;
}

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** The last second of year 9999: beyond it a moment has no calendar day to count it in. */
export const MAX_TIME = 253_402_300_799;

const DIGITS = /^-?\d+$/;
const int = (min: number, max: number): JsonSchema => ({ type: 'integer', minimum: min, maximum: max });

// ---------------------------------------------------------------------------------------------
// Query parameters: strings; one value each; "" counts as not given.

function single(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') refuse('must be given once');
  return raw as string;
}

/** An optional integer query parameter within [min, max]. */
export function queryInt(min = -MAX_SAFE, max = MAX_SAFE): Field<true, number, number | ''> {
  return field<number, number | '', true>(
    (raw) => {
      const s = single(raw);
      if (s === undefined || s === '') return undefined;
      if (!DIGITS.test(s)) refuse(`must be an integer, got "${s}"`);
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < min || n > max) refuse(`must be between ${min} and ${max}`);
      return n;
    },
    () => ({ anyOf: [int(min, max), { const: '' }] }),
    true,
  );
}

/** An optional 0/1 (false/true) query parameter. */
export function queryBool(): Field<true, boolean, '0' | '1' | 'true' | 'false' | ''> {
  return field<boolean, '0' | '1' | 'true' | 'false' | '', true>(
    (raw) => {
      const s = single(raw);
      if (s === undefined || s === '') return undefined;
      if (s === '1' || s === 'true') return true;
      if (s === '0' || s === 'false') return false;
      return refuse(`must be 0 or 1, got "${s}"`);
    },
    () => ({ enum: ['', '0', '1', 'true', 'false'] }),
    true,
  );
}

/** An optional query parameter taking one of `values`. */
export function queryEnum<const T extends string>(values: readonly T[]): Field<true, T, T | ''> {
  return field<T, T | '', true>(
    (raw) => {
      const s = single(raw);
      if (s === undefined || s === '') return undefined;
      if (!(values as readonly string[]).includes(s)) refuse(`must be one of ${values.join(', ')}`);
      return s as T;
    },
    () => ({ enum: [...values, ''] }),
    true,
  );
}

// ---------------------------------------------------------------------------------------------
// JSON body fields: null counts as not given.

/** Every character JavaScript's `\s` and `trim()` take for white space, spelled out for any regex engine. */
const SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** Somewhere a character that is not white space. */
export const NOT_BLANK = `[^${SPACE}]`;
/** No white space at all. */
export const NO_SPACE = `[^${SPACE}]+`;

/** Optional body fields take null for "not given". */
const orNull = (schema: JsonSchema, required: boolean): JsonSchema =>
  required ? schema : { anyOf: [schema, { type: 'null' }] };

/** Length in characters (code points), as JSON Schema counts it. */
const length = (s: string): number => [...s].length;

/** A body field: required, or optional (absent or null). */
export type BodyField<R extends boolean, Out, In> = R extends true
  ? Field<false, Out, In>
  : Field<true, Out, In | null>;

function bodyField<R extends boolean, Out, In>(
  required: R,
  parse: (given: unknown) => Out,
  json: () => JsonSchema,
): BodyField<R, Out, In> {
  const read = (raw: unknown): Out | undefined => {
    if (raw !== undefined && raw !== null) return parse(raw);
    if (required) refuse('is required');
    return undefined;
  };
  return field<Out, In, boolean>(read, () => orNull(json(), required), !required) as unknown as BodyField<
    R,
    Out,
    In
  >;
}

function text(raw: unknown, required: boolean, max?: number): string {
  if (typeof raw !== 'string') refuse('must be a string');
  const s = raw as string;
  if (required && s.trim() === '') refuse('must not be empty');
  if (max !== undefined && length(s) > max) refuse(`must be at most ${max} characters`);
  return s;
}

/** A string field; a required one must hold more than white space. */
export function bodyString<const R extends boolean = false>(
  opts: { required?: R; max?: number } = {},
): BodyField<R, string, string> {
  const required = (opts.required ?? false) as R;
  return bodyField(
    required,
    (raw) => text(raw, required, opts.max),
    () => ({
      type: 'string',
      ...(required ? { pattern: NOT_BLANK } : {}),
      ...(opts.max !== undefined ? { maxLength: opts.max } : {}),
    }),
  );
}

/** A string field that must also pass `test` (after the string checks); `pattern` says the same. */
export function bodyPattern<const R extends boolean = false>(opts: {
  required?: R;
  pattern: string;
  test: (s: string) => boolean;
  problem: string;
  normalize?: (s: string) => string;
}): BodyField<R, string, string> {
  const required = (opts.required ?? false) as R;
  return bodyField(
    required,
    (raw) => {
      const s = text(raw, required);
      if (!opts.test(s)) refuse(opts.problem);
      return opts.normalize ? opts.normalize(s) : s;
    },
    () => ({ type: 'string', pattern: opts.pattern }),
  );
}

/**
 * A pattern for the digit strings of integers in [min, max] that stays inside the bounds: fewer
 * digits than the bounds allow, so that nothing it matches is refused.
 */
function digitString(min: number, max: number): string {
  const digits = (n: number) => Math.max(1, String(Math.floor(n)).length - 1);
  if (min >= 0 && max < 10) return `^[${min}-${max}]$`;
  if (min >= 1) return `^0*[1-9][0-9]{0,${digits(max) - 1}}$`;
  if (min >= 0) return `^[0-9]{1,${digits(max)}}$`;
  return `^-?[0-9]{1,${Math.min(digits(max), digits(-min))}}$`;
}

/** An integer field (a JSON number, or a string of digits) within [min, max]. */
export function bodyInt<const R extends boolean = false>(
  opts: { required?: R; min?: number; max?: number } = {},
): BodyField<R, number, number> {
  const required = (opts.required ?? false) as R;
  return bodyField(
    required,
    (raw) => {
      const v = typeof raw === 'string' && DIGITS.test(raw) ? Number(raw) : raw;
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) refuse('must be an integer');
      const n = v as number;
      if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max))
        refuse(`must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}`);
      return n;
    },
    () => {
      const min = opts.min ?? -MAX_SAFE;
      const max = opts.max ?? MAX_SAFE;
      return { anyOf: [int(min, max), { type: 'string', pattern: digitString(min, max) }] };
    },
  );
}

/** A yes/no field: true/false, 1/0, "1"/"0", "true"/"false". */
export function bodyBool(): BodyField<false, boolean, boolean> {
  return bodyField<false, boolean, boolean>(
    false,
    (raw) => {
      if (raw === true || raw === 1 || raw === '1' || raw === 'true') return true;
      if (raw === false || raw === 0 || raw === '0' || raw === 'false') return false;
      return refuse('must be a boolean');
    },
    () => ({ enum: [true, false, 1, 0, '1', '0', 'true', 'false'] }),
  );
}

/** A string field taking one of `values` (after `normalize`, which `pattern` then describes). */
export function bodyEnum<const T extends string, const R extends boolean = false>(
  values: readonly T[],
  opts: { required?: R; problem?: string; normalize?: (s: string) => string; pattern?: string } = {},
): BodyField<R, T, T> {
  const required = (opts.required ?? false) as R;
  return bodyField(
    required,
    (raw) => {
      if (typeof raw !== 'string') refuse('must be a string');
      const s = opts.normalize ? opts.normalize(raw as string) : (raw as string);
      if (!(values as readonly string[]).includes(s))
        refuse(opts.problem ?? `must be one of ${values.join(', ')}`);
      return s as T;
    },
    () => (opts.pattern ? { type: 'string', pattern: opts.pattern } : { enum: [...values] }),
  );
}

/** A field read by `parse` (which sees `undefined` when it is absent) and described by `json`. */
export function bodyCustom<Out, In>(
  parse: (raw: unknown) => Out,
  json: () => JsonSchema,
  optional = false,
): z.ZodType<Out, In> {
  return field<Out, In, boolean>(parse, json, optional) as unknown as z.ZodType<Out, In>;
}

export { refuse };
