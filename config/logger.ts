import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from './index';

export type { Logger } from 'pino';

/**
 * Keys whose values are personal data or secrets, wherever they sit in a log object (up to four levels deep):
 * the petitioner and representatives wholesale (name, address, phone, ID number, e-mail), the contact fields on
 * their own, the grievance's subject and content and document texts (they quote the petitioner; docs/security.md),
 * access codes, tokens, secrets and passwords. The logger's own `name` (the process) is not a log-object key.
 */
const redactKeys = [
  'petitioner',
  'representatives',
  'phone',
  'idNumber',
  'address',
  'email',
  'subject',
  'content',
  'text',
  'accessCode',
  'token',
  'apiKey',
  'password',
  'pass',
  'secret',
  'authorization',
  'cookie',
];
/** Header names that carry credentials, under `req.headers`, `headers` or one level deeper. */
const redactHeaders = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-access-code',
  'x-signature',
  'authorization-extras',
];

/** Exported for the test that proves every path is censored. */
export const redactPaths = [
  ...redactKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  ...redactHeaders.flatMap((h) => [
    `req.headers["${h}"]`,
    `res.headers["${h}"]`,
    `headers["${h}"]`,
    `*.headers["${h}"]`,
  ]),
  // SMTP credentials inside a URL (config.smtp).
  'smtp.url',
  '*.smtp.url',
];

/**
 * The product's logger: pino JSON lines, or pino-pretty when stdout is a terminal (`LOG_FORMAT=auto`).
 * `name` tells which process wrote the line (start, worker, api).
 */
export function createLogger(
  config: Pick<Config, 'log'>,
  name: string,
  /** Where lines go instead of stdout (tests). */
  destination?: DestinationStream,
): Logger {
  const pretty =
    config.log.format === 'pretty' || (config.log.format === 'auto' && process.stdout.isTTY === true);
  const options: LoggerOptions = {
    name,
    level: config.log.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(pretty &&
      !destination && {
        transport: {
          target: 'pino-pretty',
          options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
        },
      }),
  };
  return destination ? pino(options, destination) : pino(options);
}

const levelMethod: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Adapts a pino logger to the Temporal SDK's Logger interface, so SDK and core logs land in the same stream. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: TemporalLogLevel, message: string, meta?: LogMetadata): void => {
    logger[levelMethod[level]]({ ...meta }, message);
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
