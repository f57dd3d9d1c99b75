/**
 * The application's one logger (pino), and adapters that route the libraries' logs through it — Temporal's core and
 * TypeScript SDK, kafkajs, fastify — so that a WARN or an ERROR in the output always means something an operator
 * should look at. Library chatter about conditions the application handles itself (a Kafka group coordinator that
 * is still being elected, a broker retried while our own code reports the outage) goes to DEBUG.
 *
 * Two formats: `text` (one readable line per record, times in Asia/Shanghai) for people at a terminal, and `json`
 * (one JSON object per line) for log collectors; LOG_FORMAT chooses, LOG_LEVEL filters.
 */
import { Writable } from 'node:stream';
import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { logLevel as KafkaLogLevel, type logCreator as KafkaLogCreator } from 'kafkajs';
import pino, { type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; standard error by default, so a command's own output on standard out stays clean. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const { level = 'info', format = 'text', destination = process.stderr } = options;
  const stream = format === 'json' ? destination : textStream(destination);
  return pino(
    {
      name,
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

/** A logger that drops everything: for library code run where nobody reads its logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const LEVEL_WIDTH = 5;

/** `2026-11-22 20:24:46 WARN  [worker] the message key=value …`: pino's JSON lines, rewritten for a person. */
function textStream(destination: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) destination.write(`${formatTextLine(line)}\n`);
      }
      done();
    },
  });
}

export function formatTextLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { time, level, name, msg, err, ...fields } = record;
  const when = typeof time === 'string' ? shanghaiClock(time) : '';
  const extra = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const error = err && typeof err === 'object' ? `\n${(err as { stack?: string }).stack ?? JSON.stringify(err)}` : '';
  const label = String(level ?? '')
    .toUpperCase()
    .padEnd(LEVEL_WIDTH);
  return `${when} ${label} [${String(name ?? '')}] ${String(msg ?? '')}${extra ? ` ${extra}` : ''}${error}`;
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** '2026-11-22 20:24:46': Beijing time to the second, as people in the offices read it. */
function shanghaiClock(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

// ---------------------------------------------------------------------------------------------------------------
// kafkajs

/**
 * What kafkajs logs at ERROR although the application handles it and says so itself: transient states it retries
 * and that end on their own (a consumer group's coordinator being elected right after the broker starts or a topic
 * is created, a rebalance, a partition leader moving, a broker that is restarting), and the broker's answer to a
 * send, which the outbox relay reports in its own words (a warning while Kafka is down, an error for a record it
 * sets aside). When a transient state does not end, the caller's own error (a failed send, a consumer that never
 * joins) says so.
 */
const KAFKA_HANDLED =
  /coordinator is not available|not the correct coordinator|group is rebalancing|There is no leader for this topic-partition|leadership election|Connection error|Failed to connect to seed broker|Connection timeout|Closed connection|Crash: KafkaJSNumberOfRetriesExceeded|Restarting the consumer|^\[Connection\] Response Produce|^\[Producer\]/i;

export function kafkaLogCreator(logger: Logger): KafkaLogCreator {
  const kafka = logger.child({ name: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...rest } = log;
      const fields: Record<string, unknown> = rest;
      delete fields.timestamp;
      delete fields.logger;
      const text = namespace ? `[${namespace}] ${message}` : String(message);
      switch (level) {
        case KafkaLogLevel.ERROR:
        case KafkaLogLevel.WARN:
          if (KAFKA_HANDLED.test(text)) kafka.debug(fields, text);
          else if (level === KafkaLogLevel.ERROR) kafka.error(fields, text);
          else kafka.warn(fields, text);
          return;
        case KafkaLogLevel.INFO:
          kafka.info(fields, text);
          return;
        case KafkaLogLevel.DEBUG:
        case KafkaLogLevel.NOTHING:
          kafka.debug(fields, text);
      }
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Temporal

/**
 * Core warnings that say nothing about this deployment: the Java time-skipping test server, used for tests and the
 * simulation, does not advertise a capability that only matters to activities' heartbeat details, which no activity
 * here uses.
 */
const TEMPORAL_BENIGN = /did not advertise the activity_failure_include_heartbeat capability/;

/** Temporal's Logger interface on top of ours; the Runtime forwards the Rust core's logs to it as well. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const temporal = logger.child({ name: 'temporal' });
  const log = (level: TemporalLogLevel, message: string, meta?: LogMetadata) => {
    // The SDK passes errors as `error`; an Error's fields are not enumerable, so say its message instead.
    const fields = Object.fromEntries(
      Object.entries(meta ?? {}).map(([key, value]) => [key, value instanceof Error ? value.message : value]),
    );
    switch (level) {
      case 'ERROR':
        temporal.error(fields, message);
        return;
      case 'WARN':
        if (TEMPORAL_BENIGN.test(message)) temporal.debug(fields, message);
        else temporal.warn(fields, message);
        return;
      case 'INFO':
        temporal.info(fields, message);
        return;
      case 'DEBUG':
      case 'TRACE':
        temporal.debug(fields, message);
    }
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
