/**
 * The signatures receivers check, against values computed independently: with Python's hmac module (the values
 * below: `hmac.new(key, msg, hashlib.sha256)`, base64 / hex) and with WebCrypto in the test itself.
 */
import { webcrypto } from 'node:crypto';
import { dingTalkSign, jsonSignature, signedDingTalkUrl } from '../../infra/notify';

async function hmacWebCrypto(key: string, message: string): Promise<Buffer> {
  const k = await webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return Buffer.from(await webcrypto.subtle.sign('HMAC', k, new TextEncoder().encode(message)));
}

describe('the plain JSON webhook signature', () => {
  const body = '{"subject":"【提醒】测试"}';
  it('is sha256= and the hex HMAC-SHA256 of `${timestamp}.${body}` keyed with the secret', async () => {
    // python3: 'sha256=' + hmac.new(b'whsec-test', f'1700000000.{body}'.encode(), hashlib.sha256).hexdigest()
    expect(jsonSignature('whsec-test', 1700000000, body)).toBe(
      'sha256=c52c502cbd13ccff299591413096f9b9aecae6724665aa5085a219939cc49b45',
    );
    const other = `sha256=${(await hmacWebCrypto('s', `1700000123.${body}`)).toString('hex')}`;
    expect(jsonSignature('s', 1700000123, body)).toBe(other);
  });
});

describe('DingTalk’s signed URL', () => {
  it('adds timestamp (ms) and sign = base64 HMAC-SHA256 of `${timestamp}\\n${secret}`, URL-encoded', async () => {
    // python3: base64.b64encode(hmac.new(s.encode(), f'{ts}\n{s}'.encode(), hashlib.sha256).digest())
    expect(dingTalkSign('SEC1234567890abcdef', 1700000000000)).toBe('RqBq3E1RTBDv3n2QBCh4adZ2WHk9mVklyUoDBLxarjI=');
    expect(
      signedDingTalkUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', 'SEC1234567890abcdef', 1700000000000),
    ).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000' +
        '&sign=RqBq3E1RTBDv3n2QBCh4adZ2WHk9mVklyUoDBLxarjI%3D',
    );
    const ts = 1763870000123;
    expect(dingTalkSign('SECxyz', ts)).toBe((await hmacWebCrypto('SECxyz', `${ts}\nSECxyz`)).toString('base64'));
  });
});
