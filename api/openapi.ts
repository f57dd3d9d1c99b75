/**
 * The API described for its callers: every route's parameters, body, answers and refusals, written next to the route
 * as a RouteDoc with the zod schemas the route validates with, and turned into one OpenAPI 3.1 document by zod's own
 * JSON Schema conversion — so the documentation says what the code checks, not what someone remembered to write.
 * A body is documented as what the route accepts (zod's `input` side: defaults optional, refinements beyond JSON
 * Schema named in the field's description); an answer as what the route sends (`output`).
 */
import { z } from 'zod';
import { accessProblems } from './access';
import { appErrorInfo, type AppErrorCode } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** json: application/json; csv: text/csv; binary: any bytes (the file itself); form: an HTML form's fields. */
export type BodyType = 'json' | 'csv' | 'binary' | 'form';

export interface RouteAnswer {
  description: string;
  schema?: z.ZodType;
  /** application/json when a schema is given and this is not. */
  contentType?: string;
}

export interface RouteDoc {
  method: HttpMethod;
  /** Fastify's pattern, e.g. /assignments/:id: the same string the route is registered with. */
  url: string;
  /** One line in Chinese: what the route is for. */
  summary: string;
  description?: string;
  tags: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the route reads (X-File-Name, Idempotency-Key). */
  headers?: z.ZodObject;
  /** The JSON (or form) body's schema; a route whose body is a file (binary) or a table (csv) alone has none. */
  body?: z.ZodType;
  /** json when a body is given and this is not; several when the route takes either (PUT /units: JSON or CSV). */
  bodyType?: BodyType | BodyType[];
  /** The largest body the route reads, in bytes, when it is not the API's own limit. */
  bodyLimit?: number;
  /** A body the route accepts: shown on /docs, and sent by the API's tests to prove the schema and the route agree. */
  example?: unknown;
  responses: Record<number, RouteAnswer>;
  /**
   * The problem codes the route may answer with, beyond those every route or every body may (see COMMON_PROBLEMS)
   * and those the authorization table answers for it (api/access.ts accessProblems: 401, 403, an unseen item's 404).
   */
  problems?: readonly AppErrorCode[];
}

/** Every route may be refused for its rate, and may fail. */
export const COMMON_PROBLEMS: readonly AppErrorCode[] = ['TOO_MANY_REQUESTS', 'INTERNAL'];
/** Every route that reads a body may find it malformed, too large, or of a type it does not read. */
export const BODY_PROBLEMS: readonly AppErrorCode[] = [
  'INVALID_PAYLOAD',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];

/** The one shape of every refusal (application/problem+json, RFC 9457's fields as the API fills them). */
export const problemSchema = z
  .object({
    status: z.number().int().min(400).max(599).describe('HTTP 状态码'),
    code: z.string().describe('稳定的英文错误码，程序据此判断'),
    title: z.string().describe('错误类别（中文）'),
    detail: z.string().describe('出了什么问题、怎样改正（中文）'),
    requestId: z.string().describe('请求编号；向管理员反映问题时请提供'),
  })
  .describe('错误答复（application/problem+json）');

const NAMED = new WeakMap<z.ZodType, string>();

/** A schema shown once under components.schemas and referenced where used (AssignmentView, Problem). */
export function component<S extends z.ZodType>(name: string, schema: S): S {
  NAMED.set(schema, name);
  return schema;
}

component('Problem', problemSchema);

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

export interface DocumentOptions {
  /** The API's body limit in bytes, for the routes that give none of their own. */
  bodyLimit: number;
  /** Descriptions of the tags, shown in their order. */
  tags?: ReadonlyArray<{ name: string; description?: string }>;
}

type Json = Record<string, unknown>;

/** The OpenAPI 3.1 document of these routes. */
export function openApiDocument(docs: readonly RouteDoc[], info: ApiInfo, options: DocumentOptions): Json {
  const components: Record<string, Json> = {};
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const name = NAMED.get(schema);
    const converted = toJsonSchema(schema, io);
    if (!name) return converted;
    components[name] ??= converted;
    return { $ref: `#/components/schemas/${name}` };
  };
  const paths: Record<string, Record<string, Json>> = {};
  for (const doc of docs) {
    const path = openApiPath(doc.url);
    const operations = (paths[path] ??= {});
    operations[doc.method.toLowerCase()] = operation(doc, options, schemaOf);
  }
  const used = [...new Set(docs.flatMap((d) => d.tags))];
  const described = options.tags ?? [];
  const tags = [
    ...described.filter((t) => used.includes(t.name)),
    ...used.filter((name) => !described.some((t) => t.name === name)).map((name) => ({ name })),
  ];
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description && { description: info.description }) },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags,
    paths,
    components: { schemas: components },
  };
}

/** Fastify's /assignments/:id is OpenAPI's /assignments/{id}. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_][\w]*)/g, '{$1}');
}

/** A stable, unique name for each operation: `post /assignments/:id/send-back/insist` → postAssignmentsIdSendBackInsist. */
export function operationId(method: string, url: string): string {
  const words = url.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function operation(doc: RouteDoc, options: DocumentOptions, schemaOf: (s: z.ZodType, io: 'input' | 'output') => Json) {
  const parameters = [
    ...parametersOf(doc.params, 'path'),
    ...parametersOf(doc.query, 'query'),
    ...parametersOf(doc.headers, 'header'),
  ];
  const types = bodyTypes(doc);
  const limit = doc.bodyLimit ?? options.bodyLimit;
  const requestBody =
    types.length === 0
      ? undefined
      : {
          required: true,
          description: `请求体上限 ${formatBytes(limit)}（${limit} 字节），超过时答复 413`,
          content: Object.fromEntries(types.map((type) => bodyContent(type, doc, schemaOf))),
        };
  return {
    operationId: operationId(doc.method, doc.url),
    summary: doc.summary,
    ...(doc.description && { description: doc.description }),
    tags: doc.tags,
    ...(parameters.length > 0 && { parameters }),
    ...(requestBody && { requestBody, 'x-body-limit-bytes': limit }),
    responses: responsesOf(doc, schemaOf),
  };
}

const MEDIA: Record<BodyType, string> = {
  json: 'application/json',
  csv: 'text/csv',
  binary: 'application/octet-stream',
  form: 'application/x-www-form-urlencoded',
};

function bodyContent(type: BodyType, doc: RouteDoc, schemaOf: (s: z.ZodType, io: 'input' | 'output') => Json) {
  if (type === 'csv') return [MEDIA.csv, { schema: { type: 'string', description: 'UTF-8 表格，首行为列名' } }];
  if (type === 'binary') {
    return [
      MEDIA.binary,
      {
        schema: {
          type: 'string',
          contentMediaType: 'application/octet-stream',
          description: '文件本身的字节；类型由内容判断，与 Content-Type 无关',
        },
      },
    ];
  }
  if (!doc.body) {
    // A page's form: its fields are those of the JSON route it stands for, with the session's _csrf.
    return [MEDIA[type], { schema: { type: 'object', description: '表单字段，同对应的 JSON 接口；另含会话的 _csrf' } }];
  }
  const content: Json = { schema: schemaOf(doc.body, 'input') };
  if (doc.example !== undefined) content.example = doc.example;
  return [MEDIA[type], content];
}

function responsesOf(doc: RouteDoc, schemaOf: (s: z.ZodType, io: 'input' | 'output') => Json) {
  const responses: Record<string, Json> = {};
  for (const [status, answer] of Object.entries(doc.responses)) {
    const contentType = answer.contentType ?? (answer.schema ? 'application/json' : undefined);
    responses[status] = {
      description: answer.description,
      ...(contentType && {
        content: { [contentType]: answer.schema ? { schema: schemaOf(answer.schema, 'output') } : {} },
      }),
    };
  }
  for (const [status, codes] of problemsByStatus(routeProblems(doc))) {
    if (responses[status])
      throw new Error(`${doc.method} ${doc.url}：${status} 已有答复，不能再列出错误码 ${codes.join('、')}`);
    responses[status] = {
      description: codes.map((code) => `${code}（${appErrorInfo(code).title}）`).join('、'),
      content: { 'application/problem+json': { schema: schemaOf(problemSchema, 'output') } },
      ...(status === 429 && {
        headers: {
          'Retry-After': { description: '多少秒后可以再试', schema: { type: 'integer', minimum: 1 } },
        },
      }),
      'x-problem-codes': codes,
    };
  }
  return responses;
}

/** The media the route's body may come as: none when it takes no body. */
export function bodyTypes(doc: RouteDoc): BodyType[] {
  if (doc.bodyType !== undefined) return [doc.bodyType].flat();
  return doc.body === undefined ? [] : ['json'];
}

/** The route's own codes, with those every route and every body may answer: each once. */
export function routeProblems(doc: RouteDoc): AppErrorCode[] {
  const types = bodyTypes(doc);
  // A file's body is never parsed: it can only be too large (which the evidence routes answer with their own code).
  const body = types.length === 0 || types.every((t) => t === 'binary') ? [] : BODY_PROBLEMS;
  const access = accessProblems(doc.method, doc.url);
  return [...new Set([...(doc.problems ?? []), ...access, ...body, ...COMMON_PROBLEMS])];
}

function problemsByStatus(codes: readonly AppErrorCode[]): Array<[number, AppErrorCode[]]> {
  const byStatus = new Map<number, AppErrorCode[]>();
  for (const code of codes) {
    const { status } = appErrorInfo(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return [...byStatus].sort(([a], [b]) => a - b);
}

function parametersOf(schema: z.ZodObject | undefined, where: 'path' | 'query' | 'header'): Json[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const json = toJsonSchema(field as z.ZodType, 'input');
    const { description, ...rest } = json;
    return {
      name,
      in: where,
      required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      ...(typeof description === 'string' && { description }),
      schema: rest,
    };
  });
}

/**
 * zod's JSON Schema of a schema, without the `$schema` line (the document names its dialect once). Refinements
 * (a real calendar date, no control characters) are not JSON Schema: the field's description says them in words.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'throw', target: 'draft-2020-12' }) as Json;
  delete json.$schema;
  return json;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
