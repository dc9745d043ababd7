/** The parts of the `sip` package (kirm/sip.js) diemcau uses; it ships no types. */
declare module 'sip' {
  export interface SipMessage {
    method?: string;
    uri?: string;
    status?: number;
    reason?: string;
    version?: string;
    headers: Record<string, unknown>;
    content?: string;
  }
  export interface Remote {
    protocol: string;
    address: string;
    port: number;
    local?: { address: string; port: number };
  }
  export interface SipStack {
    send(message: SipMessage, onResponse?: (response: SipMessage) => void): void;
    destroy(): void;
  }
  export interface SipOptions {
    address?: string;
    port?: number;
    publicAddress?: string;
    hostname?: string;
    udp?: boolean;
    tcp?: boolean;
    tls?: { key: Buffer | string; cert: Buffer | string };
    tls_port?: number;
    maxBytesHeaders?: number;
    maxContentLength?: number;
    logger?: {
      error?: (e: unknown) => void;
      send?: (m: SipMessage, target: Remote) => void;
      recv?: (m: SipMessage, remote: Remote) => void;
    };
  }
  export function create(options: SipOptions, onRequest: (request: SipMessage, remote: Remote) => void): SipStack;
  export function makeResponse(
    request: SipMessage,
    status: number,
    reason?: string,
    extension?: { headers?: Record<string, unknown>; content?: string },
  ): SipMessage;
  export function parseUri(
    uri: string,
  ): { schema: string; user?: string; host: string; port?: number; params: Record<string, unknown> } | undefined;
  export function stringifyUri(uri: unknown): string;
  export function generateBranch(): string;
  export function parse(text: string | Buffer): SipMessage | undefined;
  export function stringify(message: SipMessage): string;
}

/** The digest arithmetic of the `sip` package (RFC 2617 as SIP uses it). */
declare module 'sip/digest.js' {
  import type { SipMessage } from 'sip';
  export function kd(...parts: string[]): string;
  export function calculateDigest(ctx: {
    ha1: string;
    method: string;
    nonce: string;
    nc?: string | undefined;
    cnonce?: string | undefined;
    qop?: string | undefined;
    uri: string;
    entity?: string | undefined;
  }): string;
  export function signRequest(
    ctx: Record<string, unknown>,
    request: SipMessage,
    response: SipMessage,
    creds: { user: string; password: string },
  ): SipMessage;
}
