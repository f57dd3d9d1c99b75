/**
 * Evidence (佐证材料) over HTTP: a unit uploads a file before citing it in a report or a closure request, and gets
 * back the reference to put in that request; units and coordinators download it through the assignment that cites
 * it. The upload's body is the file itself (any Content-Type: the type is sniffed from the bytes), its name in an
 * X-File-Name header, percent-encoded UTF-8 (encodeURIComponent) so that Chinese names pass through HTTP headers.
 *
 * These routes live in their own Fastify scope: only here is a body read raw and allowed up to EVIDENCE_MAX_BYTES;
 * every other route keeps JSON and the API's 64 KB.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { Readable } from 'node:stream';
import { SHA256_HEX } from '../domain/evidence/ref';
import { EvidenceRefused, tooLarge, type EvidenceLimits } from '../domain/evidence/sniff';
import { evidenceCitedBy, readEvidence, storeEvidence } from '../infra/evidence-store';
import { z } from 'zod';
import { evidenceRefSchema } from '../domain/evidence/ref';
import { AppError } from './errors';
import { formatBytes, type RouteDoc } from './openapi';

export interface EvidenceRouteOptions {
  pool: Pool;
  limits: EvidenceLimits;
}

/** The addresses served here, for the API's answer to other methods (405 with Allow). */
export const EVIDENCE_ROUTES = [
  { method: 'POST', url: '/evidence' },
  { method: 'GET', url: '/evidence/:sha256' },
  { method: 'GET', url: '/assignments/:id/evidence/:sha256' },
] as const;

const sha256Param = z.string().regex(SHA256_HEX).describe('文件内容的 SHA-256（64 位十六进制，小写）');
const fileAnswer = {
  description: '文件本身，带原文件名（Content-Disposition）；PDF 和图片可在浏览器中直接打开，其余作为下载',
  contentType: 'application/octet-stream',
};

/** The documentation of these routes, with the upload's limit as configured (EVIDENCE_MAX_BYTES). */
export function evidenceRouteDocs(limits: EvidenceLimits): RouteDoc[] {
  return [
    {
      method: 'POST',
      url: '/evidence',
      summary: '上传佐证材料：请求体是文件本身，文件名在 X-File-Name 头中',
      description:
        `文件名按 UTF-8 百分号编码（encodeURIComponent("整改报告.pdf")）。文件类型由内容判断（PDF、图片、Office 文档等），` +
        `与 Content-Type 无关。单个文件上限 ${formatBytes(limits.maxBytes)}（EVIDENCE_MAX_BYTES）。` +
        '同一文件再次上传答复 200 和同一引用；在报送进展或申请办结时引用答复中的 sha256。',
      tags: ['佐证材料'],
      headers: z.object({
        'X-File-Name': z
          .string()
          .min(1)
          .describe('文件名，UTF-8 百分号编码，如 %E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A.pdf'),
      }),
      bodyType: 'binary',
      bodyLimit: limits.maxBytes,
      responses: {
        201: { description: '已保存的新文件的引用', schema: evidenceRefSchema },
        200: { description: '此前已保存过同一文件：同一引用', schema: evidenceRefSchema },
      },
      problems: [
        'EVIDENCE_EMPTY',
        'EVIDENCE_NAME_INVALID',
        'EVIDENCE_TOO_LARGE',
        'EVIDENCE_TYPE_REFUSED',
        'SERVER_UNREACHABLE',
      ],
    },
    {
      method: 'GET',
      url: '/evidence/:sha256',
      summary: '按哈希下载佐证材料',
      tags: ['佐证材料'],
      params: z.object({ sha256: sha256Param }),
      responses: { 200: fileAnswer },
      problems: ['INVALID_PAYLOAD', 'UNKNOWN_EVIDENCE', 'SERVER_UNREACHABLE'],
    },
    {
      method: 'GET',
      url: '/assignments/:id/evidence/:sha256',
      summary: '下载某一督办事项引用的佐证材料，文件名按该事项报送时所用',
      description: '该事项的报送中未引用此文件时答复 404，与文件不存在时相同。',
      tags: ['佐证材料'],
      params: z.object({ id: z.string().describe('督办事项编号'), sha256: sha256Param }),
      responses: { 200: fileAnswer },
      problems: ['INVALID_PAYLOAD', 'UNKNOWN_EVIDENCE', 'SERVER_UNREACHABLE'],
    },
  ];
}

export const evidenceRoutes: FastifyPluginAsync<EvidenceRouteOptions> = async (scope, { pool, limits }) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (request: FastifyRequest, payload: Readable) =>
    readRawBody(request, payload, limits.maxBytes, (declared) => appError(tooLarge(declared, limits))),
  );

  /** 201 with the reference when the bytes are new, 200 with it when the same bytes were stored before. */
  scope.post('/evidence', async (request, reply) => {
    const name = fileName(request.headers['x-file-name']);
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const { ref, created } = await refusing(() => storeEvidence(pool, { name, bytes }, limits));
    return reply.code(created ? 201 : 200).send(ref);
  });

  scope.get('/evidence/:sha256', async (request, reply) => {
    const sha256 = hash((request.params as { sha256: string }).sha256);
    const file = await readEvidence(pool, sha256);
    if (file === undefined) throw unknown(sha256);
    return serve(reply, file.bytes, file.type, file.firstName);
  });

  /**
   * The file as the assignment's own events cite it, under the name they give it; 404 when none of them does, the
   * same answer as for a hash never stored, so the route does not tell which files exist. Issue 11 (sign-in) adds
   * who may see which assignment.
   */
  scope.get('/assignments/:id/evidence/:sha256', async (request, reply) => {
    const params = request.params as { id: string; sha256: string };
    const sha256 = hash(params.sha256);
    const cited = await evidenceCitedBy(pool, params.id, sha256);
    const file = cited && (await readEvidence(pool, sha256));
    if (cited === undefined || file === undefined) {
      throw new AppError(
        'UNKNOWN_EVIDENCE',
        `任务 ${params.id} 的报送材料中没有哈希为 ${sha256} 的佐证材料；请核对任务编号和材料哈希`,
      );
    }
    return serve(reply, file.bytes, file.type, cited.name);
  });
};

/**
 * The raw body, refused as soon as it is known to be over the limit: from Content-Length before a byte is read, or
 * while it streams in (chunked uploads), with the error `refuse` makes. The listeners are removed, not the stream destroyed, so the 413 answer still
 * reaches the client; Node discards the rest of the upload.
 */
export function readRawBody(
  request: FastifyRequest,
  payload: Readable,
  maxBytes: number,
  refuse: (declared?: number) => Error,
): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(refuse(declared));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        stop();
        reject(refuse());
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}

function fileName(header: string | string[] | undefined): string {
  const how = '请在 X-File-Name 头中给出文件名，按 UTF-8 百分号编码（如 encodeURIComponent("整改报告.pdf")）';
  if (typeof header !== 'string' || header.trim() === '') {
    throw new AppError('EVIDENCE_NAME_INVALID', `缺少文件名；${how}`);
  }
  try {
    return decodeURIComponent(header);
  } catch {
    throw new AppError('EVIDENCE_NAME_INVALID', `文件名的百分号编码有误；${how}`);
  }
}

function hash(value: string): string {
  const sha256 = value.toLowerCase();
  if (!SHA256_HEX.test(sha256)) {
    throw new AppError(
      'INVALID_PAYLOAD',
      `佐证材料哈希有误：应为 64 位十六进制的 SHA-256，收到「${value.slice(0, 80)}」`,
    );
  }
  return sha256;
}

const unknown = (sha256: string) =>
  new AppError('UNKNOWN_EVIDENCE', `没有哈希为 ${sha256} 的佐证材料；请核对哈希，或先通过 POST /evidence 上传`);

async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof EvidenceRefused ? appError(error) : error;
  }
}

const appError = (refusal: EvidenceRefused) => new AppError(refusal.code, refusal.message);

/** Types a browser may show in its own tab; anything else is saved as a file. */
const VIEWABLE = /^(application\/pdf|image\/(jpeg|png|gif|webp))$/;

/**
 * The file with its stored type and its name (RFC 6266: an ASCII fallback and the UTF-8 name as RFC 5987
 * `filename*`). It is content a unit uploaded, so the browser is told not to guess another type (nosniff) and to run
 * nothing in it (a sandbox CSP).
 */
function serve(reply: FastifyReply, bytes: Buffer, type: string, name: string) {
  return reply
    .type(type)
    .header('content-disposition', contentDisposition(VIEWABLE.test(type) ? 'inline' : 'attachment', name))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', 'sandbox')
    .header('cache-control', 'private, max-age=31536000, immutable')
    .send(bytes);
}

/** A Content-Disposition naming the file (RFC 6266): an ASCII fallback, and the UTF-8 name as RFC 5987 `filename*`. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${rfc5987(name)}`;
}

/** encodeURIComponent leaves ' ( ) * unencoded, which RFC 5987's attr-char does not allow. */
const rfc5987 = (name: string) =>
  encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
