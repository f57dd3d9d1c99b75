/**
 * The contact columns of the directory file (负责人, 联络员 with their emails, robots and their secrets, 接收方式):
 * what a coordinator's row becomes, every bad cell named by row, column, code and fix, and the file written back
 * (units list --format csv) importing to the same directory.
 */
import { parseCsv } from '../../cli/csv';
import {
  DirectoryTableError,
  diffDirectory,
  directoryToRows,
  forbiddenHostReason,
  maskUrl,
  noContacts,
  readDirectoryTable,
  type DirectoryProblem,
} from '../../domain/units';

const csv = (text: string) => parseCsv(text.replace(/^\n/, ''));

function problemsOf(text: string, forbidPrivate = false): DirectoryProblem[] {
  try {
    readDirectoryTable(csv(text), { forbidPrivate });
  } catch (e) {
    if (e instanceof DirectoryTableError) return e.problems;
    throw e;
  }
  throw new Error('the table was accepted');
}

const DING = 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef';
const WECOM = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';

const FILE = `
单位,负责人,负责人邮箱,联络员,联络员邮箱,钉钉机器人,钉钉加签密钥,企业微信机器人,Webhook,Webhook密钥,接收方式
市质监局,王局长,wang@zhijian.gov.cn,张三、李四、赵六,zhangsan@zhijian.gov.cn、、zhaoliu＠zhijian.gov.cn,${DING},SECabc123,,,,
市工商局,,,钱七,qianqi@gongshang.gov.cn,,,${WECOM},https://oa.gongshang.gov.cn/hooks/duban,s3cret-key,每日汇总
市政府督查室,,,孙八,dcs@gov.cn,,,,,,逐条
市政府办公室,,,,,,,,,,
`;

describe('the contact columns', () => {
  it('give each unit its head, liaisons paired with their emails by position, robots with their secrets, the digest', () => {
    const [zhijian, gongshang, dcs, office] = readDirectoryTable(csv(FILE));
    expect(zhijian!.contacts).toEqual({
      head: { name: '王局长', email: 'wang@zhijian.gov.cn' },
      liaisons: [
        { name: '张三', email: 'zhangsan@zhijian.gov.cn' },
        { name: '李四' },
        // ＠ typed with a Chinese input method is read as @
        { name: '赵六', email: 'zhaoliu@zhijian.gov.cn' },
      ],
      webhooks: [{ kind: 'dingtalk', url: DING, secret: 'SECabc123' }],
      digest: false,
    });
    expect(gongshang!.contacts).toEqual({
      liaisons: [{ name: '钱七', email: 'qianqi@gongshang.gov.cn' }],
      webhooks: [
        { kind: 'wecom', url: WECOM },
        { kind: 'json', url: 'https://oa.gongshang.gov.cn/hooks/duban', secret: 's3cret-key' },
      ],
      digest: true,
    });
    expect(dcs!.contacts).toEqual({ liaisons: [{ name: '孙八', email: 'dcs@gov.cn' }], webhooks: [], digest: false });
    expect(office!.contacts).toEqual(noContacts());
  });

  it('are read under English headings too, and several robots in one cell, one per line', () => {
    const [unit] = readDirectoryTable(
      csv(
        `unit,liaisons,liaison_emails,webhook,webhook_secret,delivery\n` +
          `市质监局,张三,z@a.gov.cn,"https://a.example.cn/h\nhttps://b.example.cn/h","\nsecond",每日汇总\n`,
      ),
    );
    expect(unit!.contacts.webhooks).toEqual([
      { kind: 'json', url: 'https://a.example.cn/h' },
      { kind: 'json', url: 'https://b.example.cn/h', secret: 'second' },
    ]);
    expect(unit!.contacts.digest).toBe(true);
  });

  it('refuse every bad cell at once, each with its row, column, code and fix', () => {
    const problems = problemsOf(`
单位,负责人,负责人邮箱,联络员,联络员邮箱,钉钉机器人,钉钉加签密钥,Webhook,Webhook密钥,接收方式
市质监局,,wang@zhijian.gov.cn,张三,zhangsan#zhijian.gov.cn,,SECabc,,,
市工商局,王、李,,钱七,q@gs.gov.cn、extra@gs.gov.cn,ftp://robot.example.cn/x,,,,每周汇总
市统计局,,,,,https://oapi.dingtalk.com/robot/send?access_token=x,abc,https://h.example.cn/a,,
市财政局,,,,,,,,k1、k2,
`);
    expect(problems).toEqual([
      {
        row: 2,
        column: '负责人邮箱',
        code: 'EMAIL_WITHOUT_PERSON',
        message: '邮箱“wang@zhijian.gov.cn”没有对应的负责人：在“负责人”列写上姓名',
      },
      {
        row: 2,
        column: '联络员邮箱',
        code: 'INVALID_EMAIL',
        message: '“zhangsan#zhijian.gov.cn”不是有效的电子邮箱：写成 name@example.gov.cn 的形式',
      },
      {
        row: 2,
        column: '钉钉加签密钥',
        code: 'SECRET_WITHOUT_ROBOT',
        message:
          '第1个密钥没有对应的地址：在“钉钉机器人”列同一位置写上地址，或删去这个密钥（密钥与地址按顺序一一对应）',
      },
      {
        row: 3,
        column: '负责人',
        code: 'TOO_MANY_HEADS',
        message: '负责人只写一位（现有 王、李）：其他人写在“联络员”列',
      },
      {
        row: 3,
        column: '联络员邮箱',
        code: 'EMAIL_WITHOUT_PERSON',
        message:
          '第2个邮箱“extra@gs.gov.cn”没有对应的联络员：在“联络员”列同一位置写上姓名（联络员与邮箱按顺序一一对应）',
      },
      {
        row: 3,
        column: '钉钉机器人',
        code: 'INVALID_URL',
        message: '“ftp://robot.example.cn/x”不是 http(s) 地址（是 ftp）：写以 https:// 开头的地址',
      },
      {
        row: 3,
        column: '接收方式',
        code: 'UNKNOWN_DELIVERY_MODE',
        message: '不认识的接收方式“每周汇总”：写“逐条”（每条通知单独发送，默认）或“每日汇总”（每天一条汇总）',
      },
      {
        row: 4,
        column: '钉钉加签密钥',
        code: 'INVALID_SECRET',
        message: '钉钉加签密钥以 SEC 开头、由字母和数字组成：在钉钉机器人“安全设置—加签”处复制完整密钥',
      },
      expect.objectContaining({ row: 5, column: 'Webhook密钥', code: 'SECRET_WITHOUT_ROBOT' }),
      expect.objectContaining({ row: 5, column: 'Webhook密钥', code: 'SECRET_WITHOUT_ROBOT' }),
    ]);
  });

  it('refuse a value copied from a masked listing, so a masked secret is never stored', () => {
    const masked = directoryToRows(readDirectoryTable(csv(FILE)), { mask: true });
    const problems = problemsOf(masked.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n'));
    expect(problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [2, '钉钉机器人', 'MASKED_SECRET'],
      [3, '企业微信机器人', 'MASKED_SECRET'],
      [3, 'Webhook密钥', 'MASKED_SECRET'],
    ]);
  });

  it('take a masked value for the stored one it masks, so a listing edited and imported back keeps its secrets', () => {
    const stored = readDirectoryTable(csv(FILE));
    const masked = directoryToRows(stored, { mask: true });
    expect(readDirectoryTable(masked, { stored })).toEqual(stored);
    // Another unit's stored secrets are not taken, nor a stored secret that masks differently.
    const moved = masked.map((r) => (r[0] === '市质监局' ? ['市统计局', ...r.slice(1)] : r));
    expect(() => readDirectoryTable(moved, { stored })).toThrow(/MASKED_SECRET/);
    const other = masked.map((r) => r.map((c) => c.replace('SEC****23', 'SEC****99')));
    expect(() => readDirectoryTable(other, { stored })).toThrow(
      /第2行（钉钉加签密钥）：这是名录列表中遮盖过的密钥，与该单位现有的密钥对不上/,
    );
  });

  it('refuse webhooks into the internal network when WEBHOOK_FORBID_PRIVATE is set, and accept them otherwise', () => {
    const file = `单位,Webhook\n市质监局,http://127.0.0.1:8080/h\n市工商局,http://192.168.1.20/h\n市统计局,http://[fd00::1]/h\n市财政局,https://h.example.cn/a\n`;
    expect(problemsOf(file, true).map((p) => [p.row, p.code, p.message])).toEqual([
      [
        2,
        'INVALID_URL',
        '“http://127.0.0.1:8080/h”指向本机回环地址，本系统配置为不向内部网络发送（WEBHOOK_FORBID_PRIVATE）：改用外网可达的地址',
      ],
      [3, 'INVALID_URL', expect.stringContaining('指向内网地址（RFC 1918）')],
      [4, 'INVALID_URL', expect.stringContaining('指向内网地址（IPv6 唯一本地）')],
    ]);
    expect(readDirectoryTable(csv(file))).toHaveLength(4);
  });
});

describe('the address ranges WEBHOOK_FORBID_PRIVATE refuses', () => {
  it.each([
    ['127.0.0.1', '本机回环地址'],
    ['localhost', '本机（localhost）'],
    ['10.1.2.3', '内网地址（RFC 1918）'],
    ['172.16.0.1', '内网地址（RFC 1918）'],
    ['172.31.255.255', '内网地址（RFC 1918）'],
    ['192.168.0.1', '内网地址（RFC 1918）'],
    ['169.254.169.254', '链路本地地址'],
    ['0.0.0.0', '未指定地址'],
    ['::1', '本机回环地址'],
    ['[::1]', '本机回环地址'],
    ['::ffff:7f00:1', '本机回环地址'],
    ['::ffff:10.0.0.1', '内网地址（RFC 1918）'],
    ['fc00::1', '内网地址（IPv6 唯一本地）'],
    ['fe80::1', '链路本地地址'],
  ])('%s: %s', (host, reason) => expect(forbiddenHostReason(host)).toBe(reason));

  it.each(['172.32.0.1', '8.8.8.8', '2001:db8::1', 'oapi.dingtalk.com', '100.64.0.1'])('%s: allowed', (host) =>
    expect(forbiddenHostReason(host)).toBeUndefined(),
  );
});

describe('the directory written back', () => {
  it('keeps every contact through a CSV round trip, and a contact change counts as a change', () => {
    const units = readDirectoryTable(csv(FILE));
    const again = readDirectoryTable(directoryToRows(units));
    expect(again).toEqual(units);
    const edited = again.map((u) => (u.name === '市工商局' ? { ...u, contacts: { ...u.contacts, digest: false } } : u));
    expect(diffDirectory(units, edited)).toEqual({ added: [], changed: ['市工商局'], removed: [], unchanged: 3 });
  });

  it('keeps its three columns when no unit has contacts', () => {
    expect(directoryToRows(readDirectoryTable(csv('单位\n市质监局\n')))).toEqual([
      ['单位', '别名', '所属分组'],
      ['市质监局', '', ''],
    ]);
  });

  it('masks secrets and robot tokens for a listing', () => {
    const rows = directoryToRows(readDirectoryTable(csv(FILE)), { mask: true });
    expect(rows[1]).toContain('https://oapi.dingtalk.com/robot/send?access_token=012****ef');
    expect(rows[1]).toContain('SEC****23');
    expect(rows.flat().join('\n')).not.toContain('SECabc123');
    expect(rows.flat().join('\n')).not.toContain('s3cret-key');
    expect(maskUrl(WECOM)).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693****aa');
  });
});
