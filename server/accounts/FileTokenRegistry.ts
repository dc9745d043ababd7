import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RevocationSet } from './RevocationSet.js';
import type { IssuedToken, Revocation, TokenRegistry } from './TokenRegistry.js';

type Line = ({ kind: 'issued' } & IssuedToken) | ({ kind: 'revoked' } & Revocation);

/**
 * The embedded registry: one JSONL file (issued and revoked tokens, appended), read whole at start; tokens past
 * their expiry are forgotten then, and the file is rewritten without them.
 */
export class FileTokenRegistry implements TokenRegistry {
  readonly #path: string;
  readonly #issued = new Map<string, IssuedToken>();
  /** Short code → token id. */
  readonly #short = new Map<string, string>();
  readonly #revoked = new RevocationSet();
  readonly #now: () => number;
  #writing: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(path: string, now: () => number) {
    this.#path = path;
    this.#now = now;
  }

  static async create({ path, now = Date.now }: { path: string; now?: () => number }): Promise<FileTokenRegistry> {
    const registry = new FileTokenRegistry(path, now);
    await mkdir(dirname(path), { recursive: true });
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        return '';
      }
      throw error;
    });
    const kept: string[] = [];
    const lines = text.split('\n').filter((raw) => raw !== '');
    for (const raw of lines) {
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue; // a torn last line
      }
      if (line.expiresAt <= now()) {
        continue;
      }
      kept.push(raw);
      if (line.kind === 'issued') {
        registry.#remember(line);
      } else {
        registry.#revoked.add(line);
      }
    }
    if (kept.length < lines.length) {
      // Expired tokens are dropped from the file too, so it does not grow with every meeting ever held.
      await writeFile(`${path}.tmp`, kept.map((raw) => `${raw}\n`).join(''), 'utf8');
      await rename(`${path}.tmp`, path);
    }

    return registry;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async recordIssued(tokens: IssuedToken[]): Promise<void> {
    tokens.forEach((token) => this.#remember(token));
    await this.#append(tokens.map((token) => ({ kind: 'issued', ...token })));
  }

  async issued(tokenId: string): Promise<IssuedToken | null> {
    const token = this.#issued.get(tokenId);

    return token === undefined || token.expiresAt <= this.#now() ? null : token;
  }

  async linksOf(meetingId: string): Promise<IssuedToken[]> {
    const now = this.#now();

    return [...this.#issued.values()].filter(
      (t) => t.meetingId === meetingId && t.linkId === t.tokenId && t.expiresAt > now,
    );
  }

  async byShortCode(shortCode: string): Promise<IssuedToken | null> {
    const tokenId = this.#short.get(shortCode);

    return tokenId === undefined ? null : this.issued(tokenId);
  }

  async revoke(revocation: Revocation): Promise<Revocation> {
    const earlier = this.#revoked.get(revocation.tokenId);
    if (earlier !== undefined) {
      return earlier;
    }
    await this.#append([{ kind: 'revoked', ...revocation }]);
    this.#revoked.add(revocation);

    return revocation;
  }

  isRevoked(linkId: string): boolean {
    return this.#revoked.has(linkId);
  }

  onRevoked(listener: (linkId: string) => void): () => void {
    return this.#revoked.onRevoked(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#writing;
  }

  #remember(token: IssuedToken): void {
    this.#issued.set(token.tokenId, token);
    if (token.shortCode !== undefined) {
      this.#short.set(token.shortCode, token.tokenId);
    }
  }

  /** Appends in order, one write at a time. */
  #append(lines: Line[]): Promise<void> {
    const text = lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
    const write = this.#writing.then(() => appendFile(this.#path, text, 'utf8'));
    this.#writing = write.catch(() => undefined);

    return write;
  }
}
