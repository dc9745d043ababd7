import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import * as sip from 'sip';
import { createLogger } from '../logger.js';
import { TokenBucket } from '../signaling/TokenBucket.js';
import { sipRequest, sipResponse, type SipRequest, type SipResponse } from './sipWire.js';

const logger = createLogger('SipUserAgent');

export interface SipUserAgentOptions {
  listenIp: string;
  port: number;
  /** The address put in Via and Contact, and told to rooms. */
  announcedIp: string;
  tls?: { port: number; certFile: string; keyFile: string } | undefined;
  onRequest: (request: SipRequest, remote: sip.Remote) => void;
}

/** Requests one address may send per second (a room sends a handful per call; a flood is dropped, not answered). */
const PER_ADDRESS = { capacity: 60, perSecond: 30 };

/**
 * The coordinator's SIP transport, on the `sip` package (kirm/sip.js: RFC 3261 parsing, UDP/TCP/TLS transports and
 * the transaction layer with its retransmission timers). Around it: every message checked by its schema before it is
 * read (a malformed one is answered 400 when it can be, else dropped), a flood from one address dropped, and the
 * package's sockets given error handlers — it creates them without any, and a send refused by the network (EPERM
 * from a firewall, no route) would otherwise take the process down.
 */
export class SipUserAgent {
  readonly #options: SipUserAgentOptions;
  readonly #stack: sip.SipStack;
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #closables: { close(): void }[] = [];
  #dropped = 0;

  private constructor(options: SipUserAgentOptions, stack: sip.SipStack, closables: { close(): void }[]) {
    this.#options = options;
    this.#stack = stack;
    this.#closables = closables;
  }

  static async start(options: SipUserAgentOptions): Promise<SipUserAgent> {
    const tlsFiles =
      options.tls === undefined
        ? undefined
        : { cert: await readFile(options.tls.certFile), key: await readFile(options.tls.keyFile) };
    // Requests that arrive before the agent is built are dropped (none can: nothing knows the port yet).
    let deliver: (request: sip.SipMessage, remote: sip.Remote) => void = () => undefined;
    const listening: Promise<unknown>[] = [];
    const closables: { close(): void }[] = [];
    const onError = (error: unknown) => logger.warn({ err: error }, 'SIP transport error');
    const restore = patchSocketFactories((socket) => {
      socket.on('error', onError);
      if (socket instanceof dgram.Socket) {
        // The package's transactions keep retransmitting after it is destroyed (a BYE sent to each room as the
        // coordinator stops): a send on the closed socket would throw from a timer and take the process down.
        const send = socket.send.bind(socket) as (...args: unknown[]) => void;
        (socket as unknown as { send: (...args: unknown[]) => void }).send = (...args: unknown[]) => {
          try {
            send(...args);
          } catch (error) {
            if ((error as { code?: string }).code !== 'ERR_SOCKET_DGRAM_NOT_RUNNING') {
              throw error;
            }
          }
        };
        // Thousands of rooms re-registering or answering OPTIONS at once arrive as a burst: a larger receive buffer
        // keeps it (as far as the system's rmem_max allows).
        socket.once('listening', () => {
          try {
            socket.setRecvBufferSize(4 * 1024 * 1024);
          } catch {
            // the system's limit stands
          }
        });
      }
      closables.push(socket);
      listening.push(
        Promise.race([
          once(socket, 'listening'),
          once(socket, 'error').then(([error]) => Promise.reject(error as Error)),
        ]),
      );
    });
    let stack: sip.SipStack;
    try {
      stack = sip.create(
        {
          address: options.listenIp,
          port: options.port,
          publicAddress: options.announcedIp,
          hostname: options.announcedIp,
          udp: true,
          tcp: true,
          ...(tlsFiles === undefined ? {} : { tls: tlsFiles, tls_port: options.tls?.port }),
          maxBytesHeaders: 16_384,
          maxContentLength: 20_000,
          logger: { error: (e: unknown) => logger.debug({ err: e }, 'sip stack error') },
        },
        (request, remote) => deliver(request, remote),
      );
    } finally {
      restore();
    }
    try {
      await Promise.all(listening);
    } catch (error) {
      stack.destroy();
      throw new Error(`SIP cannot listen on ${options.listenIp}:${options.port}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const agent = new SipUserAgent(options, stack, closables);
    deliver = (request, remote) => agent.#receive(request, remote);
    logger.info({ port: options.port, address: options.announcedIp, tls: options.tls?.port ?? null }, 'SIP listening');

    return agent;
  }

  get announcedIp(): string {
    return this.#options.announcedIp;
  }

  get port(): number {
    return this.#options.port;
  }

  /** Requests dropped unread (malformed beyond an answer, or a flood). */
  get dropped(): number {
    return this.#dropped;
  }

  respond(
    request: SipRequest,
    status: number,
    reason: string,
    extension?: { headers?: Record<string, unknown>; content?: string },
  ): void {
    this.#stack.send(sip.makeResponse(request as sip.SipMessage, status, reason, extension));
  }

  /** Sends a request; each response (provisional and final) is checked before `onResponse` sees it. */
  send(request: sip.SipMessage, onResponse: (response: SipResponse | null) => void = () => undefined): void {
    try {
      this.#stack.send(request, (response) => {
        const parsed = sipResponse.safeParse(response);
        onResponse(parsed.success ? parsed.data : null);
      });
    } catch (error) {
      logger.warn({ err: error, method: request.method }, 'send() | refused');
      onResponse(null);
    }
  }

  close(): void {
    this.#stack.destroy();
    for (const closable of this.#closables) {
      try {
        closable.close();
      } catch {
        // already closed by the stack
      }
    }
  }

  #receive(raw: sip.SipMessage, remote: sip.Remote): void {
    let bucket = this.#buckets.get(remote.address);
    if (bucket === undefined) {
      if (this.#buckets.size > 10_000) {
        this.#buckets.clear();
      }
      bucket = new TokenBucket(PER_ADDRESS);
      this.#buckets.set(remote.address, bucket);
    }
    if (!bucket.take()) {
      this.#dropped++;

      return;
    }
    const parsed = sipRequest.safeParse(raw);
    if (!parsed.success) {
      this.#dropped++;
      // An ACK is never answered; anything else the package could read enough of to route a response gets a 400.
      if (raw.method !== 'ACK') {
        try {
          this.#stack.send(sip.makeResponse(raw, 400, 'Bad Request'));
        } catch {
          // not even a response could be built
        }
      }

      return;
    }
    try {
      this.#options.onRequest(parsed.data, remote);
    } catch (error) {
      logger.error({ err: error, method: parsed.data.method }, 'request handler failed');
      if (parsed.data.method !== 'ACK') {
        this.respond(parsed.data, 500, 'Server Internal Error');
      }
    }
  }
}

type Socketish = {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  close(): void;
} & NodeJS.EventEmitter;

/** Wraps the socket factories while the package builds its transports, so each socket gets our handlers. */
function patchSocketFactories(onSocket: (socket: Socketish) => void): () => void {
  const createSocket = dgram.createSocket;
  const createServer = net.createServer;
  const createTlsServer = tls.createServer;
  dgram.createSocket = ((...args: Parameters<typeof dgram.createSocket>) => {
    const socket = createSocket(...args);
    onSocket(socket);

    return socket;
  }) as typeof dgram.createSocket;
  net.createServer = ((...args: Parameters<typeof net.createServer>) => {
    const server = createServer(...args);
    onSocket(server);

    return server;
  }) as typeof net.createServer;
  tls.createServer = ((...args: Parameters<typeof tls.createServer>) => {
    const server = createTlsServer(...args);
    onSocket(server);

    return server;
  }) as typeof tls.createServer;

  return () => {
    dgram.createSocket = createSocket;
    net.createServer = createServer;
    tls.createServer = createTlsServer;
  };
}

/** A port free for both UDP and TCP on an address (the demo's SIP port). */
export async function freeSipPort(address: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const server = net.createServer();
    server.listen(0, address);
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
    const free = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, address, () => resolve(true));
    });
    socket.close();
    server.close();
    if (free) {
      return port;
    }
  }
  throw new Error('no free SIP port');
}
