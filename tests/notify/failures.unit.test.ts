/**
 * What an SMTP or HTTP failure means for retrying, for the answers the real servers of the tests cannot be made to
 * give (GreenMail accepts every mailbox): a 5xx SMTP reply ends the retries, a 4xx one does not.
 */
import { emailFailure } from '../../infra/notify/email';
import { httpFailure } from '../../infra/notify/webhook';

describe('an SMTP failure', () => {
  it('5xx (mailbox refused, authentication failed): not retryable, the mailbox named', () => {
    const f = emailFailure(
      { responseCode: 550, response: '550 5.1.1 mailbox unavailable', code: 'EENVELOPE' },
      'x@a.cn',
    );
    expect(f).toMatchObject({ retryable: false, code: 'SMTP_550', status: 550 });
    expect(f.message).toBe(
      '邮件服务器拒收发往 x@a.cn 的邮件（550）：550 5.1.1 mailbox unavailable；检查该邮箱地址是否正确',
    );
    expect(emailFailure({ responseCode: 535, code: 'EAUTH', message: 'Invalid login' }, 'x@a.cn').retryable).toBe(
      false,
    );
  });

  it('4xx (greylisting, mailbox busy) and no reply at all (refused, timed out, dropped): retryable', () => {
    expect(emailFailure({ responseCode: 451, response: '451 try again later' }, 'x@a.cn')).toMatchObject({
      retryable: true,
      code: 'SMTP_451',
    });
    expect(emailFailure({ code: 'ETIMEDOUT', message: 'Greeting never received' }, 'x@a.cn')).toMatchObject({
      retryable: true,
      code: 'TIMEOUT',
    });
    expect(emailFailure({ code: 'ESOCKET', message: 'socket hang up' }, 'x@a.cn').retryable).toBe(true);
  });
});

describe('an HTTP failure', () => {
  it.each([
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [301, false],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
  ])('HTTP %i: retryable %s', (status, retryable) => {
    expect(httpFailure(status, '', 'https://h.example.cn/a')).toMatchObject({ retryable, code: `HTTP_${status}` });
  });
});
