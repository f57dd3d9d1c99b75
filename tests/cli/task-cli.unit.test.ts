/**
 * `duban task …` refusing what it is given, in-process through cli/main.ts's `main`: every mistake named with its
 * fix and exit code 2, and — this tier forbids sockets — not one connection to Temporal or PostgreSQL, so nothing can
 * have been recorded or stored. A refused evidence file is among them: it is sniffed before anything connects. The
 * conversation itself, on the dev server, is in task-cli.int.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dubanIn } from '../support/duban-cli';
import { describeAssignment } from '../../cli/task-format';
import type { AssignmentView } from '../../workflows/assignment/messages';
import { exe, pdf } from '../evidence/files';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-task-'));
  writeFileSync(path.join(dir, '整改报告.pdf'), pdf());
  writeFileSync(path.join(dir, 'setup.pdf'), exe());
  writeFileSync(path.join(dir, 'empty.pdf'), Buffer.alloc(0));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const duban = dubanIn(() => dir);
const ID = 'ezhou-2017:五.(二).29:市质监局';

test('the help lists every task subcommand, in Chinese', async () => {
  const help = await duban('task', '--help');
  expect(help.code).toBe(0);
  for (const sub of ['show', 'ack', 'report', 'review', 'extend', 'extension', 'move-deadline', 'close-request']) {
    expect(help.stdout).toContain(`duban task ${sub} ID`);
  }
  expect(help.stdout).toContain('答复办结申请：同意即办结（销号），不同意即退办');
  expect((await duban('help')).stdout).toContain(
    'duban task review ID --by 督办单位 --period 2017-Q1 --accept|--return',
  );
});

test('an unknown or missing subcommand names the ones there are', async () => {
  const unknown = await duban('task', 'approve', ID);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(
    /^duban：未知的 task 子命令 approve；可用：show、ack、report、review、extend、extension、move-deadline、close-request、closure、complete、pause、resume、contribute、policy、cooperating、send-back、insist、reassign、cancel\n/,
  );
  expect((await duban('task')).stderr).toMatch(/^duban：未知的 task 子命令 （无）/);
});

test('a missing id, a second id, an unknown option: each named with the fix', async () => {
  expect((await duban('task', 'show')).stderr).toMatch(
    /^duban：请给出一个督办事项编号（如 ezhou-2017:五\.\(二\)\.29:市质监局）（得到 0 个）/,
  );
  expect((await duban('task', 'ack', ID, ID, '--unit', '市质监局')).code).toBe(2);
  const evidenceOnAck = await duban('task', 'ack', ID, '--unit', '市质监局', '--evidence', '整改报告.pdf');
  expect(evidenceOnAck.code).toBe(2);
  expect(evidenceOnAck.stderr).toMatch(/^duban：未知的选项 --evidence；可用：--unit --idempotency-key --json\n/);
});

test('a report without its progress, or with one that is not a percentage', async () => {
  const base = ['task', 'report', ID, '--unit', '市质监局', '--summary', '已抽检 120 批次'];
  expect((await duban(...base)).stderr).toMatch(/^duban：缺少 --percent：完成进度（0 到 100），如 --percent 30\n/);
  expect((await duban(...base, '--percent', '三成')).stderr).toMatch(
    /^duban：--percent 应为 0 到 100 之间的数字，不是“三成”\n/,
  );
  expect(await duban(...base, '--percent', '120')).toEqual({
    code: 2,
    stdout: '',
    stderr: 'duban：参数有误：--percent：完成进度不能大于 100 [INVALID_PAYLOAD]\n',
  });
  const badPeriod = await duban(...base, '--percent', '30', '--period', '2017Q1');
  expect(badPeriod.stderr).toContain('--period：报送周期应写作 2017-Q1（季度）');
});

test('a review or a decision must say which way it goes, once', async () => {
  const review = ['task', 'review', ID, '--by', '市政府督查室', '--period', '2017-Q1'];
  expect((await duban(...review)).stderr).toMatch(/^duban：请给出 --accept 或 --return 之一：审核通过或退回重报\n/);
  expect((await duban(...review, '--accept', '--return')).code).toBe(2);
  expect((await duban('task', 'review', ID, '--by', '市政府督查室', '--accept')).stderr).toMatch(
    /^duban：缺少 --period：报送周期，如 --period 2017-Q1\n/,
  );
  expect((await duban('task', 'closure', ID, '--by', '市政府督查室')).stderr).toMatch(
    /^duban：请给出 --approve 或 --refuse 之一：同意办结（销号）或退办\n/,
  );
  expect((await duban('task', 'extension', ID, '--approve')).stderr).toMatch(
    /^duban：缺少 --by：办理的督办单位，如 --by 市政府督查室\n/,
  );
});

test('a date that does not exist is refused before anything connects', async () => {
  const r = await duban('task', 'extend', ID, '--unit', '市质监局', '--to', '2017-02-30', '--reason', '设备未到货');
  expect(r).toMatchObject({ code: 2, stdout: '' });
  expect(r.stderr).toBe(
    'duban：参数有误：--to：日期应写作 YYYY-MM-DD，且是真实存在的日期，如 2027-03-31 [INVALID_PAYLOAD]\n',
  );
  expect((await duban('task', 'move-deadline', ID, '--by', '市政府督查室', '--to', '2017-07-01')).stderr).toMatch(
    /^duban：缺少 --reason：调整原因\n/,
  );
});

describe('an evidence file is checked before anything connects', () => {
  const report = ['task', 'report', ID, '--unit', '市质监局', '--summary', '已完成', '--percent', '100'];

  it('a program named .pdf is refused by its bytes', async () => {
    const r = await duban(...report, '--evidence', '整改报告.pdf', '--evidence', 'setup.pdf');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^duban：佐证材料 setup\.pdf：这是可执行程序或脚本，不能作为佐证材料；.* \[EVIDENCE_TYPE_REFUSED\]\n$/,
    );
  });

  it('an empty file, a missing one', async () => {
    const close = ['task', 'close-request', ID, '--unit', '市质监局', '--summary', '已完成'];
    expect((await duban(...close, '--evidence', 'empty.pdf')).stderr).toMatch(
      /^duban：佐证材料 empty\.pdf：文件为空（0 字节）.* \[EVIDENCE_EMPTY\]\n$/,
    );
    expect((await duban(...close, '--evidence', '照片.jpg')).stderr).toMatch(
      /^duban：找不到文件 照片\.jpg：请检查路径\n/,
    );
  });

  it('a file over EVIDENCE_MAX_BYTES', async () => {
    const small = dubanIn(() => dir, { EVIDENCE_MAX_BYTES: '100' });
    const r = await small(...report, '--evidence', '整改报告.pdf');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^duban：佐证材料 整改报告\.pdf：文件大小 .*超过每个文件 100 字节 的上限.* \[EVIDENCE_TOO_LARGE\]\n$/,
    );
  });
});

test('task show reads a returned period, an escalation, a pending extension and a pause as a coordinator would', () => {
  const view = {
    assignmentId: ID,
    status: 'acknowledged',
    spec: {
      ref: '五.(二).29',
      title: '开展质量提升行动',
      unit: '市质监局',
      cooperating: ['市工商局', '市商务局'],
      coordinator: '市政府督查室',
      deadlineText: '2017年12月底前',
      due: '2017-12-31',
    },
    light: 'red',
    paused: { at: '2017-05-02T01:00:00.000Z', by: '市政府督查室', reason: '机构调整' },
    periods: [
      {
        period: '2017-Q1',
        label: '2017年第一季度',
        due: '2017-04-10',
        originalDue: '2017-03-31',
        remindersSent: [],
        returned: { at: '2017-04-01T02:30:00.000Z', by: '市政府督查室', comment: '请附抽检明细', late: false },
        overdue: true,
        escalations: ['urge', 'notify-head'],
        step: 2,
      },
    ],
    extensionRequest: {
      at: '2017-04-05T08:00:00.000Z',
      unit: '市质监局',
      period: '2017-Q1',
      from: '2017-04-10',
      to: '2017-04-20',
      reason: '检测设备未到货',
    },
    warnings: [],
  } as unknown as AssignmentView;
  expect(describeAssignment(view)).toBe(
    `督办事项 ${ID}\n` +
      '任务 五.(二).29：开展质量提升行动\n' +
      '牵头单位：市质监局；配合单位：市工商局、市商务局；督办单位：市政府督查室\n' +
      '完成时限：2017-12-31（原文：2017年12月底前）\n' +
      '状态：已签收，办理中；灯色：红灯；已暂停（市政府督查室，2017-05-02 09:00：机构调整）\n' +
      '报送周期：\n' +
      '  2017-Q1（2017年第一季度）  截止 2017-04-10（原定 2017-03-31）  ' +
      '已退回重报（市政府督查室，2017-04-01 10:30：请附抽检明细），待重报；已催办、督办\n' +
      '待答复的申请：\n' +
      '  延期申请：市质监局于 2017-04-05 16:00 申请将2017-Q1 的报送截止日期由 2017-04-10 延至 2017-04-20；' +
      '理由：检测设备未到货\n',
  );
});

test('task policy reads a ladder by its Chinese names, and refuses one it cannot read before anything connects', async () => {
  const refused = await duban(
    'task',
    'policy',
    ID,
    '--by',
    '市政府督查室',
    '--reminder-days',
    '3',
    '--ladder',
    '催办:1,约谈:2',
    '--reason',
    '加快督办',
  );
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('--ladder 的「约谈:2」无法识别；应写作 催办:1,督办:3,通报:5（级别:天数）');
});

test('task report reads --value as 指标=数值单位, and refuses one it cannot read before anything connects', async () => {
  const refused = await duban(
    'task',
    'report',
    ID,
    '--unit',
    '市质监局',
    '--summary',
    '已完成抽检',
    '--percent',
    '60',
    '--value',
    '重点产品抽检合格率 九成',
  );
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('--value「重点产品抽检合格率 九成」无法识别；应写作 指标=数值单位');
});

test('task show gives each target value against its target', () => {
  const text = describeAssignment({
    assignmentId: ID,
    status: 'acknowledged',
    light: 'green',
    warnings: [],
    periods: [
      {
        period: '2017-Q1',
        label: '2017年第一季度',
        due: '2017-03-31',
        remindersSent: [],
        overdue: false,
        escalations: [],
        step: 0,
        report: { at: '2017-03-20T01:00:00.000Z', summary: '已完成抽检', percentComplete: 60, late: false },
        values: [
          {
            indicator: '重点产品抽检合格率',
            unit: '%',
            value: 96.4,
            target: { comparator: '>=', value: 95 },
            met: true,
          },
          { indicator: '投诉处理时间', unit: '天', value: 6, target: { comparator: '<=', value: 5 }, met: false },
        ],
      },
    ],
  } as AssignmentView);
  expect(text).toContain('；重点产品抽检合格率 96.4%（目标 ≥95%，达标）；投诉处理时间 6天（目标 ≤5天，未达标）');
});
