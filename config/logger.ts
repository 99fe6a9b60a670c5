import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { pino, type Logger, type LoggerOptions } from 'pino';
import type { Config } from './index';

export type { Logger } from 'pino';

/** Fields that may carry secrets or personal information; pino replaces them with "[redacted]". */
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'token',
  '*.token',
  // Department webhook secrets and SMTP credentials (department registry, config.smtp).
  'secret',
  '*.secret',
  '*.*.secret',
  '*.*.*.secret',
  'pass',
  '*.pass',
  'smtp.url',
  'req.headers["x-signature"]',
];

/**
 * The product's logger: pino JSON lines, or pino-pretty when stdout is a terminal (`LOG_FORMAT=auto`).
 * `name` tells which process wrote the line (start, worker, api).
 */
export function createLogger(config: Pick<Config, 'log'>, name: string): Logger {
  const pretty =
    config.log.format === 'pretty' || (config.log.format === 'auto' && process.stdout.isTTY === true);
  const options: LoggerOptions = {
    name,
    level: config.log.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(pretty && {
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    }),
  };
  return pino(options);
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
