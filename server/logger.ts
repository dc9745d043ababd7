import { pino, type Logger } from 'pino';

/** The process's one logger (the only module singleton); modules take a child named after themselves. */
const root = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' || process.env.VITEST ? 'silent' : 'info'),
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
});

/** @example const logger = createLogger('MeetingService'); logger.info({ meetingId }, 'execute() | floor granted'); */
export function createLogger(module: string): Logger {
  return root.child({ module });
}

/** Sets the level from validated config (LOG_LEVEL), for every module logger. */
export function setLogLevel(level: string): void {
  root.level = level;
}

export type { Logger };
