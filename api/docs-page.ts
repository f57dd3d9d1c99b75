/**
 * The API's documentation for people: GET /openapi.json (the OpenAPI 3.1 document) and GET /docs, a page in Chinese
 * rendered on the server from that same document — routes grouped by tag, each with its parameters, its body as a
 * table of fields, an example, its answers and the problem codes it may answer with. No script, no CDN: the page
 * and its stylesheet are served by the app, under the API's Content-Security-Policy (our own style only).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { APP_ERROR_CODES, appErrorInfo } from './errors';
import { formatBytes, type RouteDoc } from './openapi';

type Json = Record<string, unknown>;

export const DOCS_STYLESHEET = '/docs/assets/docs.css';

/** What the page says of the limits, besides what the document holds. */
export interface DocsLimits {
  bodyLimit: number;
  /** Requests per minute and burst of the rate limit; undefined when it is off. */
  rate?: { perMinute: number; burst: number };
}

export const DOCS_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET',
    url: '/openapi.json',
    summary: '本 API 的 OpenAPI 3.1 文档',
    tags: ['API 文档'],
    responses: { 200: { description: 'OpenAPI 文档', schema: z.looseObject({ openapi: z.string() }) } },
  },
  {
    method: 'GET',
    url: '/docs',
    summary: '本 API 的说明页（中文，可在浏览器中浏览）',
    tags: ['API 文档'],
    responses: { 200: { description: 'HTML 页面', contentType: 'text/html' } },
  },
  {
    method: 'GET',
    url: DOCS_STYLESHEET,
    summary: '说明页的样式表',
    tags: ['API 文档'],
    responses: { 200: { description: 'CSS', contentType: 'text/css' } },
  },
];

/** Registers the three routes; the document is built once, by the caller, from every route's RouteDoc. */
export function docsRoutes(app: FastifyInstance, document: Json, limits: DocsLimits): void {
  const page = renderDocsPage(document, limits);
  app.get('/openapi.json', async () => document);
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get(DOCS_STYLESHEET, async (_request, reply) => reply.type('text/css; charset=utf-8').send(STYLESHEET));
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every text on the page passes here: a description or an example could hold anything. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => escapes[c]!);
}

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];

/** The page: a table of contents by tag, then each tag's operations, then every problem code. */
export function renderDocsPage(document: Json, limits: DocsLimits): string {
  const info = document.info as { title: string; version: string; description?: string };
  const tags = (document.tags as Array<{ name: string; description?: string }>) ?? [];
  const paths = document.paths as Record<string, Record<string, Json>>;
  const components = ((document.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .sort(([a], [b]) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b))
      .map(([method, op]) => ({ path, method, op })),
  );
  const sections = tags.map((tag) => {
    const ops = operations.filter(({ op }) => (op.tags as string[]).includes(tag.name));
    return `<section id="tag-${escapeHtml(slug(tag.name))}">
<h2>${escapeHtml(tag.name)}</h2>
${tag.description ? `<p>${escapeHtml(tag.description)}</p>` : ''}
${ops.map(({ path, method, op }) => renderOperation(path, method, op, components)).join('\n')}
</section>`;
  });
  const rate = limits.rate
    ? `每个账号（未登录时每个客户端地址）每分钟 ${limits.rate.perMinute} 次，可连续 ${limits.rate.burst} 次；超过时答复 429 TOO_MANY_REQUESTS，Retry-After 头说明多少秒后再试，RateLimit-* 头说明余量。计数保存在每个 API 进程的内存中。`
    : '本服务未启用请求频率限制。';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} · 接口说明</title>
<link rel="stylesheet" href="${DOCS_STYLESHEET}">
</head>
<body>
<header>
<h1>${escapeHtml(info.title)} <small>版本 ${escapeHtml(info.version)}</small></h1>
${info.description ? `<p>${escapeHtml(info.description)}</p>` : ''}
<p>机器可读的文档：<a href="/openapi.json">/openapi.json</a>（OpenAPI 3.1）</p>
</header>
<nav aria-label="目录"><ul>
${tags.map((t) => `<li><a href="#tag-${escapeHtml(slug(t.name))}">${escapeHtml(t.name)}</a></li>`).join('\n')}
<li><a href="#conventions">通用约定</a></li>
<li><a href="#problems">错误码一览</a></li>
</ul></nav>
<main>
${sections.join('\n')}
<section id="conventions">
<h2>通用约定</h2>
<ul>
<li>请求体和答复均为 JSON（UTF-8），另有说明的除外。文本首尾的空白会被去掉；文本不得含控制字符（多行文本可含换行），日期写作 YYYY-MM-DD 且须真实存在：这些检查表中未列出。</li>
<li>所有拒绝均以 <code>application/problem+json</code> 答复，字段为 status、code（稳定的英文错误码）、title、detail（中文：问题和改正方法）、requestId。</li>
<li>请求体上限 ${escapeHtml(formatBytes(limits.bodyLimit))}，另有说明的接口除外（上传佐证材料、单位名录）；超过时答复 413。</li>
<li>频率限制：${escapeHtml(rate)}</li>
<li>可重试的办理请求带 Idempotency-Key 头，同一键只办理一次。</li>
<li>每个答复都带 X-Request-Id；发送自己的 X-Request-Id 时沿用。</li>
</ul>
</section>
<section id="problems">
<h2>错误码一览</h2>
<table>
<thead><tr><th>错误码</th><th>状态</th><th>含义</th></tr></thead>
<tbody>
${APP_ERROR_CODES.map((code) => `<tr><td><code>${code}</code></td><td>${appErrorInfo(code).status}</td><td>${escapeHtml(appErrorInfo(code).title)}</td></tr>`).join('\n')}
</tbody>
</table>
</section>
</main>
</body>
</html>
`;
}

function renderOperation(path: string, method: string, op: Json, components: Record<string, Json>): string {
  const parameters = (op.parameters as Json[] | undefined) ?? [];
  const body = op.requestBody as { description?: string; content: Record<string, Json> } | undefined;
  const responses = op.responses as Record<string, Json>;
  const where: Record<string, string> = { path: '路径', query: '查询', header: '请求头' };
  return `<details class="op" id="${escapeHtml(op.operationId)}">
<summary><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code> <span class="summary">${escapeHtml(op.summary)}</span></summary>
<div class="op-body">
${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
${
  parameters.length > 0
    ? `<h3>参数</h3>
<table><thead><tr><th>名称</th><th>位置</th><th>必填</th><th>类型</th><th>说明</th></tr></thead><tbody>
${parameters
  .map((p) => {
    const schema = p.schema as Json;
    return `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${where[p.in as string]}</td><td>${p.required ? '是' : '否'}</td><td>${escapeHtml(typeLabel(schema, components))}</td><td>${escapeHtml([p.description, ...constraints(schema)].filter(Boolean).join('；'))}</td></tr>`;
  })
  .join('\n')}
</tbody></table>`
    : ''
}
${body ? renderBody(body, components) : ''}
<h3>答复</h3>
<table><thead><tr><th>状态</th><th>说明</th><th>类型</th></tr></thead><tbody>
${Object.entries(responses)
  .map(([status, answer]) => {
    const codes = answer['x-problem-codes'] as string[] | undefined;
    const content = Object.keys((answer.content as Json | undefined) ?? {}).join('、');
    const text = codes
      ? codes.map((code) => `<code>${code}</code> ${escapeHtml(appErrorInfo(code as never).title)}`).join('<br>')
      : escapeHtml(answer.description);
    return `<tr class="${Number(status) >= 400 ? 'problem' : 'ok'}"><td>${escapeHtml(status)}</td><td>${text}</td><td>${escapeHtml(content)}</td></tr>`;
  })
  .join('\n')}
</tbody></table>
</div>
</details>`;
}

function renderBody(body: { description?: string; content: Record<string, Json> }, components: Record<string, Json>) {
  const parts = Object.entries(body.content).map(([type, media]) => {
    const schema = media.schema as Json;
    const rows = fieldRows(schema, '', components);
    return `<p>类型 <code>${escapeHtml(type)}</code>${schema.description && rows.length === 0 ? `：${escapeHtml(schema.description)}` : ''}</p>
${
  rows.length > 0
    ? `<table><thead><tr><th>字段</th><th>类型</th><th>必填</th><th>约束和说明</th></tr></thead><tbody>
${rows.map((r) => `<tr><td><code>${escapeHtml(r.name)}</code></td><td>${escapeHtml(r.type)}</td><td>${r.required ? '是' : '否'}</td><td>${escapeHtml(r.notes)}</td></tr>`).join('\n')}
</tbody></table>
<details class="schema"><summary>JSON Schema</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`
    : ''
}
${media.example !== undefined ? `<p>示例：</p><pre class="example">${escapeHtml(JSON.stringify(media.example, null, 2))}</pre>` : ''}`;
  });
  return `<h3>请求体</h3>
${body.description ? `<p>${escapeHtml(body.description)}</p>` : ''}
${parts.join('\n')}`;
}

interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  notes: string;
}

/** An object's fields as rows, nested objects and arrays of objects as dotted names (policy.ladder[].level). */
function fieldRows(schema: Json, prefix: string, components: Record<string, Json>, depth = 0): FieldRow[] {
  const resolved = resolve(schema, components);
  const properties = resolved.properties as Record<string, Json> | undefined;
  if (!properties || depth > 4) return [];
  const required = (resolved.required as string[] | undefined) ?? [];
  return Object.entries(properties).flatMap(([name, field]) => {
    const full = `${prefix}${name}`;
    const own = resolve(field, components);
    const row: FieldRow = {
      name: full,
      type: typeLabel(own, components),
      required: required.includes(name),
      notes: [own.description, ...constraints(own)].filter(Boolean).join('；'),
    };
    const items = own.type === 'array' ? resolve((own.items as Json | undefined) ?? {}, components) : undefined;
    const nested = items
      ? fieldRows(items, `${full}[].`, components, depth + 1)
      : fieldRows(own, `${full}.`, components, depth + 1);
    return [row, ...nested];
  });
}

function resolve(schema: Json, components: Record<string, Json>): Json {
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    return components[ref.slice('#/components/schemas/'.length)] ?? schema;
  }
  return schema;
}

function typeLabel(schema: Json, components: Record<string, Json>): string {
  const s = resolve(schema, components);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alternatives = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (alternatives) return alternatives.map((a) => typeLabel(a, components)).join(' | ');
  if (s.type === 'array') return `${typeLabel((s.items as Json | undefined) ?? {}, components)}[]`;
  const names: Record<string, string> = {
    string: '文本',
    integer: '整数',
    number: '数字',
    boolean: '是/否',
    object: '对象',
    null: 'null',
  };
  return typeof s.type === 'string' ? (names[s.type] ?? s.type) : '任意';
}

function constraints(s: Json): string[] {
  const notes: string[] = [];
  const range = (min: unknown, max: unknown, unit: string) => {
    if (min !== undefined && max !== undefined) notes.push(`${unit} ${String(min)}–${String(max)}`);
    else if (min !== undefined) notes.push(`${unit} ≥ ${String(min)}`);
    else if (max !== undefined) notes.push(`${unit} ≤ ${String(max)}`);
  };
  if (!(s.minLength === 0 && s.maxLength === undefined)) range(s.minLength, s.maxLength, '长度');
  range(s.minimum, s.maximum === Number.MAX_SAFE_INTEGER ? undefined : s.maximum, '取值');
  range(s.minItems, s.maxItems, '个数');
  if (typeof s.pattern === 'string') notes.push(`格式 /${s.pattern}/`);
  if (s.default !== undefined) notes.push(`默认 ${JSON.stringify(s.default)}`);
  if (s.additionalProperties === false) notes.push('不接受未列出的字段');
  return notes;
}

function slug(name: string): string {
  return encodeURIComponent(name).replace(/%/g, '');
}

const STYLESHEET = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.6 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); }
header, nav, main { max-width: 1080px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 16px; border-bottom: 1px solid var(--line); }
h1 small { font-size: 14px; color: var(--muted); font-weight: normal; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
a { color: var(--accent); }
h2 { margin-top: 32px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 4px; }
code, pre { font-family: "Noto Sans Mono CJK SC", ui-monospace, monospace; font-size: 13px; }
pre { background: var(--bg); padding: 8px 12px; overflow-x: auto; border-radius: 4px; }
details.op { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
details.op > summary { cursor: pointer; padding: 8px 12px; list-style-position: inside; }
details.op[open] > summary { border-bottom: 1px solid var(--line); background: var(--bg); }
.op-body { padding: 4px 12px 12px; }
.method { display: inline-block; min-width: 4.2em; text-align: center; border-radius: 4px; color: #fff; font-size: 12px; font-weight: bold; padding: 1px 6px; }
.method.get { background: #1a7f37; } .method.post { background: #0b5cad; } .method.put { background: #9a6700; }
.method.patch { background: #8250df; } .method.delete { background: #cf222e; }
.summary { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); white-space: nowrap; }
td:last-child { min-width: 14em; }
tr.problem td:first-child { color: #cf222e; } tr.ok td:first-child { color: #1a7f37; }
details.schema summary { cursor: pointer; color: var(--muted); }
@media (max-width: 600px) { body { font-size: 14px; } .summary { display: block; } }
`;
