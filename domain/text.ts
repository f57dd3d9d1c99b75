/**
 * What every text that enters the system must be, checked at the edge, because every store behind it must take it:
 * PostgreSQL refuses a NUL in text and text that is not well-formed Unicode, Kafka refuses records over its size
 * limit, and a title travels into every event, record and notice of its task. A text is bounded, has no control
 * characters (a multi-line one may hold line breaks and tabs), no lone surrogate halves, and no surrounding blanks
 * (the HTTP edge trims them; other callers send them trimmed).
 *
 * The checks are refinements, never transforms: a Temporal update validator parses with these schemas and the
 * handler then uses the payload as sent, so what is validated must be exactly what is applied.
 */
import { z } from 'zod';

// Control characters are what these patterns are for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface TextOptions {
  /** Line breaks and tabs allowed (a report's summary); a name or a title stays on one line. */
  multiline?: boolean;
  /** May be empty (e.g. a deadline the plan does not state). */
  optional?: boolean;
}

/** A bounded, storable text; `label` names the field in Chinese in every refusal. */
export function boundedText(label: string, max: number, { multiline = false, optional = false }: TextOptions = {}) {
  const forbidden = multiline ? CONTROL : CONTROL_OR_BREAK;
  return z
    .string({ error: `${label}必须是文本` })
    .min(optional ? 0 : 1, `${label}不能为空`)
    .max(max, `${label}最长 ${max} 个字符`)
    .refine((s) => !forbidden.test(s), {
      message: multiline
        ? `${label}含有控制字符（如 NUL），请删去后再提交`
        : `${label}含有换行或控制字符（如 NUL），请写在一行内并删去控制字符`,
    })
    .refine((s) => !LONE_SURROGATE.test(s), { message: `${label}含有不完整的 Unicode 字符，请检查复制来源` })
    .refine((s) => s === s.trim(), { message: `${label}首尾不能有空白` });
}

/** Trims the surrounding blanks of every string in a JSON value: what the HTTP edge does before validating. */
export function trimStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return value.map(trimStrings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, trimStrings(v)]));
  }
  return value;
}
