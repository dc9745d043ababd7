import { EventEmitter } from 'node:events';
import type { Revocation } from './TokenRegistry.js';

/** The revocations a coordinator holds in memory, and who to tell of a new one (both registries keep one). */
export class RevocationSet {
  readonly #revoked = new Map<string, Revocation>();
  readonly #emitter = new EventEmitter();

  get(tokenId: string): Revocation | undefined {
    return this.#revoked.get(tokenId);
  }

  has(tokenId: string): boolean {
    return this.#revoked.has(tokenId);
  }

  /** Keeps a revocation; the listeners hear of it once, the first time. */
  add(revocation: Revocation): void {
    if (this.#revoked.has(revocation.tokenId)) {
      return;
    }
    this.#revoked.set(revocation.tokenId, revocation);
    this.#emitter.emit('revoked', revocation.tokenId);
  }

  onRevoked(listener: (linkId: string) => void): () => void {
    this.#emitter.on('revoked', listener);

    return () => this.#emitter.off('revoked', listener);
  }
}
