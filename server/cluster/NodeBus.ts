import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createLogger } from '../logger.js';

const logger = createLogger('NodeBus');

type Envelope =
  | { t: 'req'; id: string; from: string; body: unknown }
  | { t: 'res'; id: string; ok: boolean; body: unknown }
  | { t: 'all'; from: string; body: unknown };

export class BusTimeoutError extends Error {
  constructor(nodeId: string, timeoutMs: number) {
    super(`node ${nodeId} did not answer within ${timeoutMs} ms`);
  }
}

export interface NodeBusOptions {
  /** A connection to duplicate: one for publishing, one subscribed. */
  redis: Redis;
  nodeId: string;
  prefix?: string;
}

/**
 * Coordinators talking to each other over Redis pub/sub: a request to one node answered by that node (with a
 * timeout: a dead node never answers), and broadcasts to every node. Messages are JSON; nothing is persisted, so a
 * request lost with a dying node is the caller's to retry.
 */
export class NodeBus {
  readonly nodeId: string;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #pending = new Map<
    string,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  #onRequest: (from: string, body: unknown) => Promise<unknown> = async () => {
    throw new Error('no request handler');
  };
  #onBroadcast: (from: string, body: unknown) => void = () => undefined;
  #closed = false;

  private constructor({ redis, nodeId, prefix = 'diemcau:bus:' }: NodeBusOptions) {
    this.nodeId = nodeId;
    this.#prefix = prefix;
    // Forwarded requests and their answers come hundreds at a time: the publishes of one tick go out as one write.
    this.#pub = redis.duplicate({ enableAutoPipelining: true });
    this.#sub = redis.duplicate();
    // ioredis reconnects by itself (and re-subscribes); while Redis is away, calls time out and callers retry.
    for (const client of [this.#pub, this.#sub]) {
      client.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
    }
  }

  static async start(options: NodeBusOptions): Promise<NodeBus> {
    const bus = new NodeBus(options);
    bus.#sub.on('message', (_channel: string, text: string) => bus.#receive(text));
    await bus.#sub.subscribe(bus.#channel(bus.nodeId), bus.#channel('*all*'));

    return bus;
  }

  /** Handles requests addressed to this node; the resolved value (or the thrown error) is the answer. */
  handleRequests(handler: (from: string, body: unknown) => Promise<unknown>): void {
    this.#onRequest = handler;
  }

  /** Receives broadcasts from every node, this one included. */
  handleBroadcasts(handler: (from: string, body: unknown) => void): void {
    this.#onBroadcast = handler;
  }

  /** Asks one node; rejects with its error, or `BusTimeoutError` when it does not answer in time. */
  call(nodeId: string, body: unknown, timeoutMs: number): Promise<unknown> {
    const id = randomUUID();

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new BusTimeoutError(nodeId, timeoutMs));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#publish(nodeId, { t: 'req', id, from: this.nodeId, body });
    });
  }

  broadcast(body: unknown): void {
    this.#publish('*all*', { t: 'all', from: this.nodeId, body });
  }

  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error('bus closed'));
      this.#pending.delete(id);
    }
    this.#sub.disconnect();
    this.#pub.disconnect();
  }

  #channel(nodeId: string): string {
    return `${this.#prefix}${nodeId}`;
  }

  #publish(nodeId: string, envelope: Envelope): void {
    if (!this.#closed) {
      this.#pub.publish(this.#channel(nodeId), JSON.stringify(envelope)).catch((error: unknown) => {
        logger.warn({ err: error, to: nodeId }, 'publish failed');
      });
    }
  }

  #receive(text: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (envelope.t === 'res') {
      const pending = this.#pending.get(envelope.id);
      if (pending !== undefined) {
        this.#pending.delete(envelope.id);
        clearTimeout(pending.timer);
        if (envelope.ok) {
          pending.resolve(envelope.body);
        } else {
          pending.reject(Object.assign(new Error('remote error'), { remote: envelope.body }));
        }
      }
    } else if (envelope.t === 'req') {
      const { id, from } = envelope;
      this.#onRequest(from, envelope.body).then(
        (body) => this.#publish(from, { t: 'res', id, ok: true, body }),
        (error: unknown) => this.#publish(from, { t: 'res', id, ok: false, body: error }),
      );
    } else {
      try {
        this.#onBroadcast(envelope.from, envelope.body);
      } catch (error) {
        logger.error({ err: error }, 'broadcast handler threw');
      }
    }
  }
}
