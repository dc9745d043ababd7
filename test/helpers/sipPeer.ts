import dgram from 'node:dgram';
import { until } from './poll.js';

/** A SIP message as a peer reads it: the first line, headers by lower-case name (first value), the body. */
export interface SipText {
  firstLine: string;
  headers: Map<string, string>;
  body: string;
  /** `INVITE`, `CANCEL`… for a request; null for a response. */
  method: string | null;
  status: number | null;
}

function parse(text: string): SipText {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [firstLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon > 0 && !headers.has(name)) {
      headers.set(name, line.slice(colon + 1).trim());
    }
  }
  const status = /^SIP\/2\.0 (\d{3})/.exec(firstLine)?.[1];

  return {
    firstLine,
    headers,
    body,
    method: status === undefined ? (firstLine.split(' ')[0] ?? null) : null,
    status: status === undefined ? null : Number(status),
  };
}

/**
 * A SIP peer written by hand over UDP, for what a real room system does at moments baresip cannot be made to reach
 * (ringing without answering, a re-INVITE): it sends the text it is given and keeps every message it receives.
 */
export class SipPeer {
  readonly received: SipText[] = [];
  readonly #socket: dgram.Socket;

  private constructor(socket: dgram.Socket) {
    this.#socket = socket;
    socket.on('message', (data) => this.received.push(parse(data.toString('latin1'))));
  }

  static async bind(ip: string): Promise<SipPeer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, ip, resolve));

    return new SipPeer(socket);
  }

  get address(): { ip: string; port: number } {
    const { address, port } = this.#socket.address();

    return { ip: address, port };
  }

  send(to: number, lines: string[], body = ''): void {
    const text = `${[...lines, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`].join('\r\n')}\r\n\r\n${body}`;
    this.#socket.send(Buffer.from(text, 'latin1'), to, '127.0.0.1');
  }

  /** The first message received (from now on, or already) that satisfies `predicate`. */
  async next(predicate: (message: SipText) => boolean, what: string, timeoutMs = 10_000): Promise<SipText> {
    await until(() => this.received.some(predicate), timeoutMs, what);

    return this.received.find(predicate) as SipText;
  }

  close(): void {
    this.#socket.close();
  }
}

/** The branch of a message's top Via. */
export const branchOf = (message: SipText) => /;branch=([^;\s]+)/.exec(message.headers.get('via') ?? '')?.[1] ?? null;
