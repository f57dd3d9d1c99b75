/**
 * How one message looks on each channel: the email's subject, text and escaped HTML with the link to the item when
 * the web page's address is set; the JSON payload; DingTalk's and WeCom's markdown cut to their size limits with a
 * note; a digest as one message listing its items.
 */
import {
  DINGTALK_MAX_BYTES,
  TRUNCATED,
  WECOM_MAX_BYTES,
  renderDingTalk,
  renderEmail,
  renderJson,
  renderWeCom,
  truncateBytes,
  utf8Bytes,
  type Message,
} from '../../domain/notify';

const message: Message = {
  deliveryId: 'n-42/email/zhangsan@zhijian.gov.cn',
  recipient: '市质量技术监督局',
  kind: 'reminder',
  subject: '【提醒】「1.2 推进质量强市」第一季度进展',
  body: '市质量技术监督局：任务「1.2 推进质量强市」第一季度进展情况应于3月31日前报送，还有3天。\n请按时报送 <进展> & 佐证材料。',
  at: '2026-03-28T01:00:00.000Z',
  assignmentId: 'cycle-1/1.2/市质量技术监督局',
};
const web = { webUrl: 'https://duban.example.gov.cn/' };
const link =
  'https://duban.example.gov.cn/assignments/cycle-1%2F1.2%2F%E5%B8%82%E8%B4%A8%E9%87%8F%E6%8A%80%E6%9C%AF%E7%9B%91%E7%9D%A3%E5%B1%80';

describe('an email', () => {
  it('has the Chinese subject, the text with the time in Beijing, and the link only when the web page is set', () => {
    const email = renderEmail(message, web);
    expect(email.subject).toBe('【提醒】「1.2 推进质量强市」第一季度进展');
    expect(email.text).toBe(
      `${message.body}\n\n时间：2026-03-28 09:00（北京时间）\n在督办系统中查看：${link}\n\n——\n` +
        `此消息由督办系统自动发送，请勿直接回复。\n投递编号：n-42/email/zhangsan@zhijian.gov.cn\n`,
    );
    expect(renderEmail(message).text).not.toContain('查看');
  });

  it('escapes every piece of text in the HTML', () => {
    const html = renderEmail({ ...message, subject: '【提醒】<script>alert(1)</script>' }, web).html;
    expect(html).toContain('<h3 style="margin:0 0 12px">【提醒】&#60;script&#62;alert(1)&#60;/script&#62;</h3>');
    expect(html).toContain('请按时报送 &#60;进展&#62; &#38; 佐证材料。');
    expect(html).toContain(`<a href="${link}">在督办系统中查看</a>`);
    expect(html).not.toContain('<script>');
  });
});

describe('the plain JSON payload', () => {
  it('is the message as data, with a version and the link', () => {
    expect(renderJson(message, web)).toEqual({
      version: 1,
      deliveryId: message.deliveryId,
      recipient: '市质量技术监督局',
      kind: 'reminder',
      subject: message.subject,
      body: message.body,
      at: message.at,
      assignmentId: message.assignmentId,
      url: link,
    });
  });
});

describe('the robots', () => {
  it('DingTalk: markdown with a title and text', () => {
    expect(renderDingTalk(message, web)).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: message.subject,
        text:
          `### ${message.subject}\n\n` +
          '市质量技术监督局：任务「1.2 推进质量强市」第一季度进展情况应于3月31日前报送，还有3天。  \n' +
          '请按时报送 <进展> & 佐证材料。\n\n' +
          `> 2026-03-28 09:00（北京时间）  \n> [在督办系统中查看](${link})`,
      },
    });
  });

  it('WeCom: markdown content within 4,096 bytes, cut with a note that says so, the link kept', () => {
    const long = { ...message, body: '很长的进展情况。'.repeat(2000) };
    const { content } = renderWeCom(long, web).markdown;
    expect(utf8Bytes(content)).toBeLessThanOrEqual(WECOM_MAX_BYTES);
    expect(content).toContain(TRUNCATED);
    expect(content.endsWith(`[在督办系统中查看](${link})`)).toBe(true);
    const ding = renderDingTalk({ ...long, body: long.body.repeat(3) }, web).markdown.text;
    expect(utf8Bytes(ding)).toBeLessThanOrEqual(DINGTALK_MAX_BYTES);
    expect(ding).toContain(TRUNCATED);
    expect(renderWeCom(message, web).markdown.content).not.toContain(TRUNCATED);
  });

  it('cuts between characters, never inside one', () => {
    expect(truncateBytes('督办督办', 7, '…')).toBe('督…');
    expect(truncateBytes('督办', 6, '…')).toBe('督办');
  });
});

describe('a digest', () => {
  const digest: Message = {
    deliveryId: 'digest-2026-03-28/市质量技术监督局/email',
    recipient: '市质量技术监督局',
    kind: 'digest',
    subject: '【每日汇总】3月28日 2 条督办通知',
    body: '市质量技术监督局：今日有 2 条督办通知。',
    at: '2026-03-28T09:30:00.000Z',
    items: [
      { assignmentId: 'c/1.2/质监', subject: '【提醒】「1.2」', body: '还有3天。', at: '2026-03-28T01:00:00.000Z' },
      { assignmentId: 'c/3.1/质监', subject: '【催办】「3.1」', body: '已逾期2天。', at: '2026-03-28T02:00:00.000Z' },
    ],
  };

  it('is one message listing its items, each with its time and link', () => {
    const email = renderEmail(digest, web);
    expect(email.text).toContain(
      '1. 【提醒】「1.2」（2026-03-28 09:00（北京时间））\n   还有3天。\n' +
        '   查看：https://duban.example.gov.cn/assignments/c%2F1.2%2F%E8%B4%A8%E7%9B%91\n' +
        '2. 【催办】「3.1」（2026-03-28 10:00（北京时间））\n   已逾期2天。\n',
    );
    expect(email.html.match(/<li /g)).toHaveLength(2);
    expect(renderWeCom(digest, web).markdown.content).toContain(
      '2. **【催办】「3.1」**（2026-03-28 10:00（北京时间））',
    );
    expect(renderJson(digest, web).items).toEqual([
      { ...digest.items![0], url: 'https://duban.example.gov.cn/assignments/c%2F1.2%2F%E8%B4%A8%E7%9B%91' },
      { ...digest.items![1], url: 'https://duban.example.gov.cn/assignments/c%2F3.1%2F%E8%B4%A8%E7%9B%91' },
    ]);
  });
});
