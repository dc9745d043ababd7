import type { Redis } from 'ioredis';
import { createLogger } from '../logger.js';

const logger = createLogger('redis');

/**
 * A Redis client for code that sends commands without waiting for them: socket.io's Redis adapter publishes and saves
 * sessions that way, and while Redis is away each such command rejects with nobody listening, which would end the
 * process. Every command's promise gets a handler here; code that awaits a command still sees its error.
 */
export function withEveryCommandHandled(client: Redis): Redis {
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    const result = send(...args);
    void Promise.resolve(result).catch((error: unknown) =>
      logger.debug({ err: error }, 'a command sent without waiting for it failed'),
    );

    return result;
  }) as Redis['sendCommand'];

  return client;
}
