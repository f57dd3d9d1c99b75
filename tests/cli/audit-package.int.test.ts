/**
 * `duban audit verify --cycle`, `audit export` and `audit verify --package` on the dev server and PostgreSQL: a cycle
 * is launched from a plan as a coordinator would, verified as a whole, exported into a signed package, and the package
 * checked with no server — then spoiled in each way an auditor must be told of: one byte of one file changed, a file
 * deleted, a file added, the signature changed, a JSON line cut short, the package re-signed with another key.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { parsePlan } from '../../domain/plan';
import { migrate } from '../../infra/postgres';
import type { Manifest } from '../../domain/audit/package';
import { dubanIn } from '../support/duban-cli';
import { smallPlan } from '../support/small-plan';
import { connectPostgres, startStackWorker, uniqueId } from '../support/stack';

jest.setTimeout(240_000);

const taskQueue = uniqueId('audit-package');
const PLAN = smallPlan(2027);
let dir: string;
let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
const cycleId = uniqueId('audit');
const duban = dubanIn(() => dir, { TEMPORAL_TASK_QUEUE: taskQueue });
/** No server at these addresses: what `verify --package` must not need. */
const offline = dubanIn(() => dir, {
  DATABASE_URL: 'postgres://nobody:none@127.0.0.1:1/none',
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  KAFKA_BROKERS: '127.0.0.1:1',
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-audit-package-'));
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(parsePlan(PLAN).plan));
  pool = await connectPostgres();
  stack = await startStackWorker(pool, taskQueue);
  const r = await duban('cycle', 'launch', 'plan.json', '--cycle', cycleId, '--by', '市政府督查室');
  expect(r.code).toBe(0);
});

afterAll(async () => {
  await stack?.stop();
  await pool?.end();
  rmSync(dir, { recursive: true, force: true });
});

const pkg = (name: string) => path.join(dir, name);

/** A copy of the exported package to spoil. */
function copyOf(name: string): string {
  cpSync(pkg('package'), pkg(name), { recursive: true });
  return name;
}

async function checkedOffline(name: string, ...extra: string[]) {
  const r = await offline('audit', 'verify', '--package', name, ...extra);
  expect(r.stderr).toBe('');
  return r;
}

test('a whole cycle verified: progress off a terminal, then a summary', async () => {
  const r = await duban('audit', 'verify', '--cycle', cycleId);
  expect(r.stderr).toMatch(/^核验中：0\/4（0%）\n|^核验中：1\/4（25%）\n/);
  expect(r.stderr).toContain('核验中：4/4（100%）\n');
  expect(r.stdout).toMatch(new RegExp(`^督办周期 ${cycleId}：核验 4 个事件流（\\d+ 条事件），通过 4，未通过 0\\n$`));
  expect(r.code).toBe(0);
});

test('export: a signed package of the cycle; verified with no server; never into a non-empty directory', async () => {
  const r = await duban('audit', 'export', '--cycle', cycleId, 'package');
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^duban：已创建审计签名密钥 .*audit-signing-key\.pem（仅属主可读）/);
  expect(statSync(path.join(dir, '.data', 'audit-signing-key.pem')).mode & 0o777).toBe(0o600);
  expect(r.stdout).toMatch(
    new RegExp(
      `^审计包 → package：督办周期 ${cycleId}，4 个事件流、\\d+ 条事件，\\d+ 个文件；签名密钥指纹 [0-9a-f]{64}\\n$`,
    ),
  );
  const manifest = JSON.parse(readFileSync(path.join(pkg('package'), 'manifest.json'), 'utf8')) as Manifest;
  expect(manifest.streams.map((s) => s.stream)).toEqual([
    `cycle:${cycleId}`,
    ...['一.(一):市市场监管局', '一.(二):市工信局', '一.(三):市科技局'].map((x) => expect.stringContaining(x)),
  ]);
  expect(manifest.notes).toEqual([]);
  expect(readdirSync(pkg('package')).sort()).toEqual([
    'cycle.json',
    'events',
    'histories',
    'manifest.json',
    'manifest.sig',
    'notices.jsonl',
    'plan.json',
    'public-key.pem',
    'task-table.json',
  ]);
  const line = JSON.parse(readFileSync(path.join(pkg('package'), manifest.streams[1]!.events), 'utf8').split('\n')[0]!);
  expect(line).toMatchObject({
    seq: 1,
    event: { type: 'TaskAssigned' },
    hash: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  expect(JSON.parse(readFileSync(path.join(pkg('package'), 'plan.json'), 'utf8'))).toEqual(parsePlan(PLAN).plan);

  const ok = await checkedOffline('package');
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain(
    '结论：通过——每个文件与清单相符，无缺少、无多出，签名有效，每个事件流的哈希链完整，事件与 Temporal 历史一致，任务分解表与发布时的哈希一致\n',
  );
  const pinned = await checkedOffline('package', '--public-key', '.data/audit-signing-key.pub.pem');
  expect(pinned.code).toBe(0);

  const again = await duban('audit', 'export', '--cycle', cycleId, 'package');
  expect(again).toMatchObject({ code: 2, stdout: '' });
  expect(again.stderr).toMatch(
    /已存在且不是空目录：请给出一个新的或空的目录，审计包不与其他文件混放 \[EXPORT_DIR_NOT_EMPTY\]\n$/,
  );
  expect(readdirSync(dir).filter((f) => f.startsWith('package'))).toEqual(['package']);

  const unknown = await duban('audit', 'export', '--cycle', uniqueId('none'), 'nothing');
  expect(unknown).toMatchObject({ code: 2, stdout: '' });
  expect(unknown.stderr).toMatch(/^duban：没有督办周期 .* \[UNKNOWN_CYCLE\]\n$/);
  expect(existsSync(pkg('nothing'))).toBe(false);
});

describe('a spoiled package: each change named', () => {
  const eventsFile = () =>
    (JSON.parse(readFileSync(path.join(pkg('package'), 'manifest.json'), 'utf8')) as Manifest).streams[1]!.events;

  test('one byte of one events file: the file and the event', async () => {
    const name = copyOf('one-byte');
    const file = path.join(pkg(name), eventsFile());
    const before = readFileSync(file);
    const after = Buffer.from(before.toString('utf8').replace('"type":"TaskAssigned"', '"type":"TaskAssignee"'));
    expect(after.length).toBe(before.length);
    expect(after.filter((b, i) => b !== before[i])).toHaveLength(1);
    writeFileSync(file, after);
    const r = await checkedOffline(name);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`✗ 文件 ${eventsFile()} 被改动：SHA-256 应为`);
    expect(r.stdout).toContain('[PACKAGE_FILE_CHANGED]');
    expect(r.stdout).toMatch(
      new RegExp(
        `✗ ${eventsFile().replace('.', '\\.')}（.*）第 1 条事件的内容与其哈希不符：事件存储后被改动.* \\[PACKAGE_CHAIN_BROKEN\\]`,
      ),
    );
  });

  test('an event changed and the manifest redone without the key: the signature and the event', async () => {
    const name = copyOf('manifest-redone');
    const file = path.join(pkg(name), eventsFile());
    const changed = Buffer.from(readFileSync(file, 'utf8').replace('"type":"TaskAssigned"', '"type":"TaskAssignee"'));
    writeFileSync(file, changed);
    const manifestPath = path.join(pkg(name), 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const entry = manifest.files.find((f) => f.path === eventsFile())!;
    entry.sha256 = createHash('sha256').update(changed).digest('hex');
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const r = await checkedOffline(name);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain('PACKAGE_FILE_CHANGED');
    expect(r.stdout).toContain('✗ 签名不符：manifest.json 在签名后被改动');
    expect(r.stdout).toMatch(/第 1 条事件的内容与其哈希不符/);
  });

  test('a file deleted, a file added', async () => {
    const deleted = copyOf('deleted');
    rmSync(path.join(pkg(deleted), 'task-table.json'));
    const r1 = await checkedOffline(deleted);
    expect(r1.code).toBe(3);
    expect(r1.stdout).toContain('✗ 缺少文件 task-table.json（清单中有） [PACKAGE_FILE_MISSING]\n');

    const added = copyOf('added');
    mkdirSync(path.join(pkg(added), 'extra'));
    writeFileSync(path.join(pkg(added), 'extra', 'note.txt'), '补充说明');
    const r2 = await checkedOffline(added);
    expect(r2.code).toBe(3);
    expect(r2.stdout).toContain('✗ 多出文件 extra/note.txt：清单中没有，不属于导出的审计包 [PACKAGE_FILE_EXTRA]\n');
  });

  test('the signature changed, or the package re-signed with another key', async () => {
    const name = copyOf('bad-signature');
    const sig = Buffer.from(readFileSync(path.join(pkg(name), 'manifest.sig'), 'utf8').trim(), 'base64');
    sig[0] = sig[0]! ^ 1;
    writeFileSync(path.join(pkg(name), 'manifest.sig'), sig.toString('base64'));
    const r = await checkedOffline(name);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      '✗ 签名不符：manifest.json 在签名后被改动，或 manifest.sig 不是 public-key.pem 这把密钥所签 [PACKAGE_SIGNATURE_INVALID]\n',
    );

    // Whoever alters the package can sign it again with a key of their own: only the deployment's key tells.
    const resigned = copyOf('resigned');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const manifestPath = path.join(pkg(resigned), 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    manifest.keyFingerprint = createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex');
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(manifestPath, bytes);
    writeFileSync(path.join(pkg(resigned), 'manifest.sig'), sign(null, bytes, privateKey).toString('base64'));
    writeFileSync(path.join(pkg(resigned), 'public-key.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    expect((await checkedOffline(resigned)).code).toBe(0);
    const pinned = await checkedOffline(resigned, '--public-key', '.data/audit-signing-key.pub.pem');
    expect(pinned.code).toBe(3);
    expect(pinned.stdout).toMatch(
      /✗ 本包由指纹 [0-9a-f]{16}… 的密钥签名，不是所给部署公钥.* \[PACKAGE_KEY_MISMATCH\]\n/,
    );
  });

  test('a task table edited and its checksum redone: the hash the launch recorded names it', async () => {
    const name = copyOf('table-edited');
    const file = path.join(pkg(name), 'task-table.json');
    const changed = Buffer.from(readFileSync(file, 'utf8').replace('2027-06-30', '2027-07-31'));
    writeFileSync(file, changed);
    const manifestPath = path.join(pkg(name), 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const entry = manifest.files.find((f) => f.path === 'task-table.json')!;
    entry.sha256 = createHash('sha256').update(changed).digest('hex');
    entry.bytes = changed.length;
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const r = await checkedOffline(name);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      '与发布时记录的任务分解表哈希（cycle.json 的 tableHash）不符 [PACKAGE_TABLE_MISMATCH]\n',
    );
  });

  test('a JSON line cut short', async () => {
    const name = copyOf('truncated');
    const file = path.join(pkg(name), eventsFile());
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 20));
    const r = await checkedOffline(name);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(
      new RegExp(
        `✗ ${eventsFile().replace('.', '\\.')} 第 \\d+ 行不是完整的 JSON（被截断或改动）：.* \\[PACKAGE_LINE_INVALID\\]\\n`,
      ),
    );
  });

  test('not a package at all', async () => {
    const r = await offline('audit', 'verify', '--package', 'no-such-dir');
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/不存在或不是目录.* \[PACKAGE_UNREADABLE\]\n$/);
  });
});

test('a cycle launched before the plan was kept: the package says so; a tampered assignment fails the cycle', async () => {
  await pool.query('UPDATE cycles SET plan = NULL WHERE cycle_id = $1', [cycleId]);
  const r = await duban('audit', 'export', '--cycle', cycleId, 'older');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/\n说明：本周期发布于系统保存发布所用计划之前/);
  expect(existsSync(path.join(pkg('older'), 'plan.json'))).toBe(false);
  expect((await checkedOffline('older')).stdout).toMatch(/\n {2}说明：本周期发布于系统保存发布所用计划之前/);

  const { rows } = await pool.query<{ assignment_id: string }>(
    'SELECT assignment_id FROM cycle_items WHERE cycle_id = $1 ORDER BY position LIMIT 1',
    [cycleId],
  );
  const target = rows[0]!.assignment_id;
  await migrate(pool); // chained before it is spoiled, as the appender chains each event when it stores it
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE assignment_events DISABLE TRIGGER assignment_events_append_only');
    await client.query(
      `UPDATE assignment_events SET payload = jsonb_set(payload, '{spec,title}', '"开展产品质量提升行动！"')
       WHERE assignment_id = $1 AND seq = 1`,
      [target],
    );
    await client.query('ALTER TABLE assignment_events ENABLE TRIGGER assignment_events_append_only');
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const v = await duban('audit', 'verify', '--cycle', cycleId);
  expect(v.code).toBe(3);
  expect(v.stdout).toMatch(/通过 3，未通过 1\n/);
  expect(v.stdout).toContain(`  ✗ ${target}：第 1 条事件：第 1 条事件的内容与其哈希不符`);
});
