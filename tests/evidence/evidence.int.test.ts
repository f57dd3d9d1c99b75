/**
 * Evidence (佐证材料) through the HTTP API on the real PostgreSQL: a unit uploads a file and gets the reference to cite,
 * the same file uploaded twice is stored once, the file comes back byte for byte under its name and sniffed type —
 * through the assignment whose events cite it, and through no other — and every refusal (empty, over the limit, a
 * program, an archive, a bad name or hash) is a problem+json answer that stores nothing. A member of 市质监局 uploads,
 * an auditor downloads by hash, and the unit reads through its own item, each signed in with a bearer token.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { AssignmentService } from '../../api/assignments';
import { buildApi } from '../../api/server';
import type { EvidenceRef } from '../../domain/evidence/ref';
import { DOCX } from '../../domain/evidence/sniff';
import { evidenceCitedBy, readEvidence } from '../../infra/evidence-store';
import { bearerFor, createAccount } from '../support/accounts';
import { config, connectPostgres, testLogger, uniqueId } from '../support/stack';
import * as files from './files';

jest.setTimeout(60_000);

const MAX = config.EVIDENCE_MAX_BYTES;
let pool: Pool;
let api: FastifyInstance;
let base: string;
/** Who calls: a member of 市质监局 (who uploads), one of another unit, and an auditor (who reads any file by hash). */
let unitMember: Record<string, string>;
let otherUnit: Record<string, string>;
let auditor: Record<string, string>;

/** The evidence routes use no Temporal: any call to the assignment service is a mistake this test should see. */
const noAssignments = new Proxy({} as AssignmentService, {
  get: (_target, name) => {
    throw new Error(`the evidence routes called AssignmentService.${String(name)}`);
  },
});

beforeAll(async () => {
  pool = await connectPostgres();
  api = buildApi({ assignments: noAssignments, pool, logger: testLogger, evidence: { maxBytes: MAX } });
  base = await api.listen({ host: '127.0.0.1', port: 0 });
  unitMember = await bearerFor(pool, (await createAccount(pool, { role: 'unit-member', unit: '市质监局' })).id);
  otherUnit = await bearerFor(pool, (await createAccount(pool, { role: 'unit-member', unit: '市发改委' })).id);
  auditor = await bearerFor(pool, (await createAccount(pool, { role: 'auditor' })).id);
});

afterAll(async () => {
  await api?.close();
  await pool?.end();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function upload(
  bytes: Uint8Array | ReadableStream | undefined,
  name?: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${base}/evidence`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      ...unitMember,
      ...(name !== undefined && { 'x-file-name': encodeURIComponent(name) }),
      ...headers,
    },
    ...(bytes !== undefined && { body: bytes, duplex: 'half' }),
  } as RequestInit);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, asserted field by field
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as any };
}

async function download(url: string, as = auditor) {
  const response = await fetch(base + url, { headers: as });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

async function storedFiles(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM evidence');
  return rows[0]!.n;
}

/** A PDF no earlier run stored, so that its first upload is new. */
const freshPdf = () => files.pdf(uniqueId('evidence'));

describe('uploading', () => {
  it('answers 201 with the reference to cite, then 200 with the same hash when the same bytes come again', async () => {
    const bytes = freshPdf();
    const before = await storedFiles();

    const first = await upload(bytes, '整改报告.pdf');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      sha256: sha256(bytes),
      name: '整改报告.pdf',
      size: bytes.length,
      type: 'application/pdf',
    });

    const again = await upload(bytes, '整改报告（复印件）.PDF');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, name: '整改报告（复印件）.PDF' });
    expect(await storedFiles()).toBe(before + 1);
  });

  it('stores the type the bytes have, not the one the name or the header claims', async () => {
    const bytes = await files.docx(uniqueId('整改'));
    const { status, body } = await upload(bytes, '照片.jpg', { 'content-type': 'image/jpeg' });
    expect(status).toBe(201);
    expect(body.type).toBe(DOCX);
    expect((await readEvidence(pool, body.sha256))?.type).toBe(DOCX);
  });

  it('accepts a file of exactly the limit and gives it back intact', async () => {
    // The same bytes every run: stored once, whichever run was first.
    const bytes = Buffer.alloc(MAX, 0x20);
    files.pdf().copy(bytes);
    const { status, body } = await upload(bytes, '扫描件.pdf');
    expect([201, 200]).toContain(status);
    expect(body).toMatchObject({ sha256: sha256(bytes), size: MAX, type: 'application/pdf' });
    const back = await download(`/evidence/${body.sha256}`);
    expect(back.status).toBe(200);
    expect(back.bytes.equals(bytes)).toBe(true);
  });
});

describe('refusing, and storing nothing', () => {
  const ACCEPTED = '请上传 PDF、OFD、图片（JPG、PNG）或 Office/WPS 文档';
  it.each([
    [
      'an empty body',
      () => Buffer.alloc(0),
      400,
      'EVIDENCE_EMPTY',
      '文件为空（0 字节）；请检查文件是否完整保存后重新上传',
    ],
    ['no body at all', () => undefined, 400, 'EVIDENCE_EMPTY', '文件为空（0 字节）；请检查文件是否完整保存后重新上传'],
    [
      'a Windows program',
      () => files.exe(),
      415,
      'EVIDENCE_TYPE_REFUSED',
      `这是可执行程序或脚本，不能作为佐证材料；${ACCEPTED}`,
    ],
    [
      'a ZIP archive',
      () => files.archiveOfDocuments(),
      415,
      'EVIDENCE_TYPE_REFUSED',
      '这是 ZIP 压缩包，其中的文件无法查看；请解压后逐个上传其中的 PDF、图片或 Office 文档',
    ],
    [
      'a file one byte over the limit',
      () => Buffer.alloc(MAX + 1, 0x20),
      413,
      'EVIDENCE_TOO_LARGE',
      `文件大小 ${MAX / 1024 / 1024} MB，超过每个文件 ${MAX / 1024 / 1024} MB 的上限；请压缩图片、拆分文档或另存为较小的 PDF 后再上传`,
    ],
  ])('%s', async (_what, make, status, code, detail) => {
    const before = await storedFiles();
    const answer = await upload(await make(), '材料.pdf');
    expect(answer.status).toBe(status);
    expect(answer.type).toBe('application/problem+json; charset=utf-8');
    expect(answer.body).toMatchObject({ status, code, detail });
    expect(await storedFiles()).toBe(before);
  });

  it('a body streamed past the limit without a Content-Length, as soon as it is over', async () => {
    const before = await storedFiles();
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const chunks = Array.from({ length: Math.ceil(MAX / chunk.length) + 2 }, () => chunk);
    const answer = await upload(Readable.toWeb(Readable.from(chunks)) as ReadableStream, '材料.pdf');
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({
      code: 'EVIDENCE_TOO_LARGE',
      detail: `文件超过每个文件 ${MAX / 1024 / 1024} MB 的上限；请压缩图片、拆分文档或另存为较小的 PDF 后再上传`,
    });
    expect(await storedFiles()).toBe(before);
  });

  it('no name, or a name not percent-encoded', async () => {
    const before = await storedFiles();
    const unnamed = await upload(freshPdf());
    expect(unnamed.status).toBe(400);
    expect(unnamed.body).toMatchObject({
      code: 'EVIDENCE_NAME_INVALID',
      detail:
        '缺少文件名；请在 X-File-Name 头中给出文件名，按 UTF-8 百分号编码（如 encodeURIComponent("整改报告.pdf")）',
    });
    const badEncoding = await upload(freshPdf(), undefined, { 'x-file-name': '%E6%95' });
    expect(badEncoding.status).toBe(400);
    expect(badEncoding.body.detail).toMatch(/^文件名的百分号编码有误；/);
    expect(await storedFiles()).toBe(before);
  });
});

describe('downloading', () => {
  it('gives the bytes back with the sniffed type and the Chinese name, RFC 5987-encoded', async () => {
    const bytes = await files.docx(uniqueId('进展'));
    const name = "市质监局 2027年一季度 整改报告 (终稿)'.docx";
    const { body: ref } = await upload(bytes, name);
    const back = await download(`/evidence/${ref.sha256}`);
    expect(back.status).toBe(200);
    expect(back.bytes.equals(bytes)).toBe(true);
    expect(back.headers['content-type']).toBe(DOCX);
    expect(back.headers['x-content-type-options']).toBe('nosniff');
    const disposition = back.headers['content-disposition']!;
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!)).toBe(name);
  });

  it('answers 404 for a hash never stored and 400 for one that is not a SHA-256', async () => {
    const missing = await download(`/evidence/${'0'.repeat(64)}`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.bytes.toString())).toMatchObject({ code: 'UNKNOWN_EVIDENCE' });
    const malformed = await download('/evidence/not-a-hash');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.bytes.toString())).toMatchObject({
      code: 'INVALID_PAYLOAD',
      detail: '佐证材料哈希有误：应为 64 位十六进制的 SHA-256，收到「not-a-hash」',
    });
  });
});

describe('through the assignment that cites it', () => {
  /** An event as the event store appends it (activities/index.ts), with the references a report would carry. */
  async function storeEvent(assignmentId: string, seq: number, payload: object) {
    await pool.query(
      `INSERT INTO assignment_events (assignment_id, seq, type, version, occurred_at, payload)
       VALUES ($1, $2, $3, 1, now(), $4)`,
      [assignmentId, seq, (payload as { type: string }).type, payload],
    );
  }

  it('serves a file the assignment’s events cite, under the name they cite it by, and no other', async () => {
    const cited = await upload(freshPdf(), '现场照片说明.pdf');
    const other = await upload(freshPdf(), '别的任务的材料.pdf');
    const assignmentId = `${uniqueId('evidence-plan')}:二.(三).一是:市质监局`;
    const asCited: EvidenceRef = { ...cited.body, name: '第一季度佐证材料.pdf' };
    await storeEvent(assignmentId, 1, {
      type: 'TaskAssigned',
      version: 1,
      spec: { unit: '市质监局', coordinator: '市政府督查室' },
    });
    await storeEvent(assignmentId, 2, {
      type: 'ProgressReportSubmitted',
      version: 1,
      report: { summary: '已完成', evidence: [asCited] },
    });

    expect(await evidenceCitedBy(pool, assignmentId, cited.body.sha256)).toEqual(asCited);
    expect(await evidenceCitedBy(pool, assignmentId, other.body.sha256)).toBeUndefined();

    const url = (sha: string) => `/assignments/${encodeURIComponent(assignmentId)}/evidence/${sha}`;
    const served = await download(url(cited.body.sha256), unitMember);
    expect(served.status).toBe(200);
    expect(sha256(served.bytes)).toBe(cited.body.sha256);
    expect(served.headers['content-type']).toBe('application/pdf');
    expect(served.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('第一季度佐证材料.pdf')}`,
    );

    const refused = await download(url(other.body.sha256), unitMember);
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.bytes.toString())).toMatchObject({ code: 'UNKNOWN_EVIDENCE' });
    expect((await download(`/assignments/no-such-task/evidence/${cited.body.sha256}`, unitMember)).status).toBe(404);
    // Another unit does not see the item at all: its file answers as the item would, unknown.
    const elsewhere = await download(url(cited.body.sha256), otherUnit);
    expect(elsewhere.status).toBe(404);
    expect(JSON.parse(elsewhere.bytes.toString())).toMatchObject({ code: 'UNKNOWN_TASK' });
  });
});
