/**
 * Sending one message to one address over real connections: email to GreenMail (read back through its REST API),
 * webhooks to a receiver started here that checks signatures as the README tells a receiver to. Each failure says
 * whether another attempt could help: 4xx ends, 429, 5xx, timeouts and a closed SMTP port are retried.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { renderJson, type Message } from '../../domain/notify';
import { createSender, DeliveryFailure, messageIdOf, type Sender } from '../../infra/notify';
import { checkGreenMail, messagesOf, purgeMail } from '../support/greenmail';
import { config } from '../support/stack';
import { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(30_000);

const message = (deliveryId: string, extra: Partial<Message> = {}): Message => ({
  deliveryId,
  recipient: '市质量技术监督局',
  kind: 'urge',
  subject: '【催办】「1.2 推进质量强市」第一季度进展',
  body: '市质量技术监督局：任务「1.2 推进质量强市」第一季度进展情况应于3月31日前报送，已逾期2天，请立即报送。\n<附> 佐证材料 & 说明',
  at: '2026-04-02T01:00:00.000Z',
  assignmentId: 'cycle-2026/1.2/市质量技术监督局',
  ...extra,
});

let receiver: WebhookReceiver;
let sender: Sender;
const WEB = 'https://duban.example.gov.cn';

beforeAll(async () => {
  await checkGreenMail();
  receiver = await WebhookReceiver.start();
  sender = createSender({ ...config, DUBAN_WEB_URL: WEB, WEBHOOK_TIMEOUT_MS: 500 });
});
afterAll(async () => {
  await sender.close();
  await receiver.close();
});
beforeEach(async () => {
  receiver.reset();
  await purgeMail();
});

async function failureOf(promise: Promise<unknown>): Promise<DeliveryFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeliveryFailure) return error;
    throw error;
  }
  throw new Error('the send succeeded');
}

describe('email through SMTP', () => {
  it('arrives with the Chinese subject, text and HTML, the link, and the delivery id in Message-ID and a header', async () => {
    const to = 'zhangsan@zhijian.gov.cn';
    const { receipt } = await sender.send({ channel: 'email', to, name: '张三' }, message('n-1/email/zhangsan'));
    expect(receipt).toMatch(/^250 /);
    const [mail, ...more] = await messagesOf(to);
    expect(more).toEqual([]);
    expect(mail!.subject).toBe('【催办】「1.2 推进质量强市」第一季度进展');
    expect(mail!.to).toBe('张三 <zhangsan@zhijian.gov.cn>');
    expect(mail!.from).toBe('督办系统 <duban@localhost>');
    expect(mail!.messageId).toBe(messageIdOf('n-1/email/zhangsan'));
    expect(mail!.headers['x-duban-delivery']).toBe('n-1/email/zhangsan');
    expect(mail!.text).toContain('已逾期2天，请立即报送。\n<附> 佐证材料 & 说明');
    expect(mail!.text).toContain(`在督办系统中查看：${WEB}/assignments/cycle-2026%2F1.2%2F`);
    expect(mail!.html).toContain('<p style="margin:0 0 8px">&#60;附&#62; 佐证材料 &#38; 说明</p>');
    expect(mail!.html).toContain('>在督办系统中查看</a>');
  });

  it('sent again, is recognisable as the same delivery: the same Message-ID', async () => {
    const to = 'lisi@zhijian.gov.cn';
    await sender.send({ channel: 'email', to }, message('n-2/email/lisi'));
    await sender.send({ channel: 'email', to }, message('n-2/email/lisi'));
    await sender.send({ channel: 'email', to }, message('n-3/email/lisi'));
    const ids = (await messagesOf(to)).map((m) => m.messageId);
    expect(ids).toEqual([messageIdOf('n-2/email/lisi'), messageIdOf('n-2/email/lisi'), messageIdOf('n-3/email/lisi')]);
    expect(new Set(ids).size).toBe(2);
  });

  it('with the SMTP port closed, fails as retryable', async () => {
    const closed = await freePort();
    const down = createSender({ ...config, SMTP_PORT: closed });
    try {
      const failure = await failureOf(down.send({ channel: 'email', to: 'a@zhijian.gov.cn' }, message('n-4')));
      expect(failure).toMatchObject({ retryable: true, code: 'CONNECTION' });
      expect(failure.message).toContain('无法连接邮件服务器');
    } finally {
      await down.close();
    }
  });
});

describe('the plain JSON webhook', () => {
  it('arrives signed: the receiver verifies HMAC over timestamp.body, and sees the delivery id', async () => {
    receiver.expectSecret('/hooks/duban', 'json', 'whsec-质监');
    const address = { channel: 'json' as const, to: `${receiver.url}/hooks/duban`, secret: 'whsec-质监' };
    const { receipt } = await sender.send(address, message('n-5/json'));
    expect(receipt).toBe('HTTP 200 {"ok":true}');
    const [request] = receiver.requests;
    expect(request!.signatureValid).toBe(true);
    expect(request!.deliveryId).toBe('n-5/json');
    expect(request!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request!.json).toEqual(renderJson(message('n-5/json'), { webUrl: WEB }));
  });

  it('signed with another secret, is refused by the receiver (401): not retryable', async () => {
    receiver.expectSecret('/hooks/strict', 'json', 'the-real-secret');
    const failure = await failureOf(
      sender.send({ channel: 'json', to: `${receiver.url}/hooks/strict`, secret: 'an-old-secret' }, message('n-6')),
    );
    expect(failure).toMatchObject({ retryable: false, code: 'HTTP_401', status: 401 });
  });

  it('4xx ends the retries; 429, 5xx and a receiver that does not answer in time are retryable', async () => {
    const address = { channel: 'json' as const, to: `${receiver.url}/hooks/plain` };
    receiver.answer({ status: 404, body: 'no such hook' }, { status: 410 }, { status: 429 }, { status: 500 });
    expect(await failureOf(sender.send(address, message('n-7')))).toMatchObject({ retryable: false, code: 'HTTP_404' });
    expect(await failureOf(sender.send(address, message('n-8')))).toMatchObject({ retryable: false, code: 'HTTP_410' });
    expect(await failureOf(sender.send(address, message('n-9')))).toMatchObject({ retryable: true, code: 'HTTP_429' });
    expect(await failureOf(sender.send(address, message('n-10')))).toMatchObject({ retryable: true, code: 'HTTP_500' });
    // A redirect is not followed: it could lead anywhere, inside the network too.
    receiver.answer({ status: 302 });
    expect(await failureOf(sender.send(address, message('n-7b')))).toMatchObject({
      retryable: false,
      code: 'HTTP_302',
    });
    receiver.answer({ stallMs: 5_000 });
    expect(await failureOf(sender.send(address, message('n-11')))).toMatchObject({ retryable: true, code: 'TIMEOUT' });
    expect(receiver.countsByDelivery()).toEqual(
      new Map(['n-7', 'n-8', 'n-9', 'n-10', 'n-7b', 'n-11'].map((id) => [id, 1] as const)),
    );
  });

  it('to a port nobody listens on: retryable', async () => {
    const failure = await failureOf(
      sender.send({ channel: 'json', to: `http://127.0.0.1:${await freePort()}/h` }, message('n-12')),
    );
    expect(failure).toMatchObject({ retryable: true, code: 'CONNECTION' });
  });

  it('with WEBHOOK_FORBID_PRIVATE, is refused before sending to loopback: not retryable, nothing arrives', async () => {
    const guarded = createSender({ ...config, WEBHOOK_FORBID_PRIVATE: true });
    const failure = await failureOf(guarded.send({ channel: 'json', to: `${receiver.url}/h` }, message('n-13')));
    expect(failure).toMatchObject({ retryable: false, code: 'FORBIDDEN_ADDRESS' });
    expect(failure.message).toContain('本机回环地址');
    const port = new URL(receiver.url).port;
    const named = await failureOf(guarded.send({ channel: 'json', to: `http://localhost:${port}/h` }, message('n-14')));
    expect(named.code).toBe('FORBIDDEN_ADDRESS');
    expect(receiver.requests).toEqual([]);
    await guarded.close();
  });
});

describe('the robots', () => {
  it('DingTalk: markdown to the signed URL; errcode 0 delivered, 130101 (too fast) retryable, 310000 not', async () => {
    receiver.expectSecret('/robot/send', 'dingtalk', 'SECabc123');
    const address = {
      channel: 'dingtalk' as const,
      to: `${receiver.url}/robot/send?access_token=t0k`,
      secret: 'SECabc123',
    };
    receiver.answer(
      { status: 200, body: { errcode: 0, errmsg: 'ok' } },
      { status: 200, body: { errcode: 130101, errmsg: 'send too fast' } },
      { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } },
    );
    expect((await sender.send(address, message('n-20'))).receipt).toBe('HTTP 200 {"errcode":0,"errmsg":"ok"}');
    const [request] = receiver.requests;
    expect(request!.signatureValid).toBe(true);
    expect(request!.query.get('access_token')).toBe('t0k');
    expect(request!.json).toMatchObject({
      msgtype: 'markdown',
      markdown: { title: '【催办】「1.2 推进质量强市」第一季度进展', text: expect.stringContaining('已逾期2天') },
    });
    expect(await failureOf(sender.send(address, message('n-21')))).toMatchObject({
      retryable: true,
      code: 'DINGTALK_130101',
    });
    const refused = await failureOf(sender.send(address, message('n-22')));
    expect(refused).toMatchObject({ retryable: false, code: 'DINGTALK_310000' });
    expect(refused.message).toContain('钉钉机器人拒收（errcode 310000：sign not match）');
  });

  it('WeCom: markdown content; errcode 45009 (rate limit) retryable, 93000 (bad key) not', async () => {
    const address = { channel: 'wecom' as const, to: `${receiver.url}/cgi-bin/webhook/send?key=k-1` };
    receiver.answer(
      { status: 200, body: { errcode: 0, errmsg: 'ok' } },
      { status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } },
      { status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } },
    );
    await sender.send(address, message('n-30'));
    expect(receiver.requests[0]!.json).toEqual({
      msgtype: 'markdown',
      markdown: { content: expect.stringContaining('### 【催办】「1.2 推进质量强市」第一季度进展') },
    });
    expect(await failureOf(sender.send(address, message('n-31')))).toMatchObject({
      retryable: true,
      code: 'WECOM_45009',
    });
    expect(await failureOf(sender.send(address, message('n-32')))).toMatchObject({
      retryable: false,
      code: 'WECOM_93000',
    });
  });
});

/** A port nothing listens on: one the system just gave out and took back. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
