/**
 * What a user reads when a server does not answer, and when a setting is bad: pure, no socket. The same failures
 * on real connections to dead ports are in reachability.int.test.ts.
 */
import { loadConfig } from '../../infra/config';
import { ServerUnreachableError, unreachable } from '../../infra/reachability';

const HOW = '请先启动本地服务栈 `scripts/stack.sh up`（或 `docker compose up -d`）';

const refused = (address: string) =>
  Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED', address });

describe('a server that does not answer is named, with its address, what went wrong and how to start it', () => {
  test('a refused connection, as pg and kafkajs give it', () => {
    expect(unreachable('PostgreSQL', '127.0.0.1:1', refused('127.0.0.1:1')).message).toBe(
      `无法连接 PostgreSQL（127.0.0.1:1：connect ECONNREFUSED 127.0.0.1:1）：${HOW}`,
    );
  });

  test('localhost tried on IPv6, then IPv4: the first attempt, not the empty message of the AggregateError', () => {
    const both = new AggregateError([refused('::1:55432'), refused('127.0.0.1:55432')], '');
    expect(unreachable('PostgreSQL', 'localhost:55432', both).message).toBe(
      `无法连接 PostgreSQL（localhost:55432：connect ECONNREFUSED ::1:55432）：${HOW}`,
    );
  });

  test('a cause over several lines keeps its first, so the message stays one line', () => {
    const transport = new Error(
      'Failed to connect to 127.0.0.1:3\n  caused by: tcp connect error\n  Connection refused',
    );
    expect(unreachable('Temporal', '127.0.0.1:3', transport).message).toBe(
      `无法连接 Temporal（127.0.0.1:3：Failed to connect to 127.0.0.1:3）：${HOW}`,
    );
  });

  test('a cause without a message is named by its class; a thrown value that is not an error, as it is', () => {
    const timeout = new Error('');
    timeout.name = 'KafkaJSConnectionTimeout';
    expect(unreachable('Kafka', '127.0.0.1:2', timeout).message).toBe(
      `无法连接 Kafka（127.0.0.1:2：KafkaJSConnectionTimeout）：${HOW}`,
    );
    expect(unreachable('Kafka', '127.0.0.1:2', 'timeout').message).toBe(
      `无法连接 Kafka（127.0.0.1:2：timeout）：${HOW}`,
    );
  });

  test('the error keeps which server and where, for callers that answer for it (the API: 503)', () => {
    const error = unreachable('Temporal', '127.0.0.1:7233', refused('127.0.0.1:7233'));
    expect(error).toBeInstanceOf(ServerUnreachableError);
    expect([error.name, error.server, error.address]).toEqual(['ServerUnreachableError', 'Temporal', '127.0.0.1:7233']);
  });
});

test('a bad setting names the variable and the fix, instead of failing later', () => {
  expect(() => loadConfig({ KAFKA_BROKERS: 'localhost', API_PORT: '70000' })).toThrow(
    [
      '环境变量中的配置无效：',
      '  KAFKA_BROKERS.0：每个 broker 应写作 host:port',
      '  API_PORT：数值过大：期望 number <=65535',
      '请改正这些变量，或删去它们以使用默认值',
    ].join('\n'),
  );
});

test('API_TRUST_PROXY takes addresses and CIDR ranges, and names a bad entry', () => {
  expect(loadConfig({ API_TRUST_PROXY: ' 127.0.0.1, 10.0.0.0/8 ,fd00::/8' }).API_TRUST_PROXY).toEqual([
    '127.0.0.1',
    '10.0.0.0/8',
    'fd00::/8',
  ]);
  expect(loadConfig({}).API_TRUST_PROXY).toEqual([]);
  expect(() => loadConfig({ API_TRUST_PROXY: '127.0.0.1,nginx' })).toThrow(
    /API_TRUST_PROXY\.1：每一项应为 IP 地址或 CIDR 网段/,
  );
  expect(() => loadConfig({ API_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/API_TRUST_PROXY\.0/);
});
