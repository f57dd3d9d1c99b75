/** Connections to the Temporal server, failing at once with the server's name and how to start it. */
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { IllegalStateError } from '@temporalio/common';
import { makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import type { Config } from './config';
import { temporalLogger, type Logger } from './logger';
import { unreachable } from './reachability';

/**
 * Routes the Temporal SDK's logs, and those of its Rust core (which would otherwise print to the console on their
 * own), through the application's logger. Call once per process, before the first worker or connection is made.
 */
export function installTemporalLogging(logger: Logger): void {
  const level = logger.isLevelEnabled('debug') ? 'DEBUG' : logger.isLevelEnabled('info') ? 'INFO' : 'WARN';
  try {
    Runtime.install({
      logger: temporalLogger(logger),
      telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: level }) } },
    });
  } catch (error) {
    // Installed by an earlier command run in the same process (the CLI's tests run several): the first one stays.
    if (!(error instanceof IllegalStateError && /already been installed/.test(error.message))) throw error;
  }
}

type TemporalConfig = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>;

/**
 * A client, for starting workflows and sending them updates and queries. A call the server does not answer is tried
 * four times within about a second, not ten over twenty seconds as the SDK's default would: a person waits behind
 * each call, and "Temporal is unreachable" told at once is worth more to them than a late success.
 */
export async function connectClient(config: TemporalConfig): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({
    address: config.TEMPORAL_ADDRESS,
    connectTimeout: '5 seconds',
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }))],
  }).catch((error: unknown) => {
    throw unreachable('Temporal', config.TEMPORAL_ADDRESS, error);
  });
  return { connection, client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }) };
}

/** A connection for workers. */
export function connectWorker(config: Pick<Config, 'TEMPORAL_ADDRESS'>): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }).catch((error: unknown) => {
    throw unreachable('Temporal', config.TEMPORAL_ADDRESS, error);
  });
}
