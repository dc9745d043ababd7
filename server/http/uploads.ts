import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';

/** A file received whole, on disk until the request ends. */
export interface ReceivedUpload {
  path: string;
  bytes: number;
  sha256: string;
}

export interface UploadGateOptions {
  /** Where files are written while they arrive (removed when their request ends). */
  dir: string;
  /** Largest file, bytes. */
  maxBytes: number;
  /** The error for a file over `maxBytes` (said in the words of what is uploaded). */
  tooLarge: () => DomainError;
  /** Who may upload: runs before a byte of the body is read; throws to refuse. */
  authenticate: (req: Request, res: Response) => Promise<Actor>;
  /** Uploads one account (or the admin key) may have arriving at once. Default 2. */
  perAccount?: number;
  /** Uploads one network address may have arriving at once. Default 4. */
  perAddress?: number;
}

/**
 * Uploads, received only from someone known: the caller is authenticated before the body is read; the body is
 * streamed to a file (never held in memory while it arrives), cut off at `maxBytes` (at once when its declared length
 * says so), and an account or an address may have only a few arriving at once. The file is in `uploadOf(res)` for the
 * handler, and removed when the response ends.
 */
export function uploadGate({
  dir,
  maxBytes,
  tooLarge,
  authenticate,
  perAccount = 2,
  perAddress = 4,
}: UploadGateOptions): RequestHandler {
  const arriving = new Map<string, number>();
  const take = (key: string, limit: number) => {
    const count = arriving.get(key) ?? 0;
    if (count >= limit) {
      return false;
    }
    arriving.set(key, count + 1);

    return true;
  };
  const give = (key: string) => {
    const count = (arriving.get(key) ?? 1) - 1;
    if (count <= 0) {
      arriving.delete(key);
    } else {
      arriving.set(key, count);
    }
  };

  return async (req, res, next) => {
    const actor = await authenticate(req, res);
    const declared = Number(req.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      // Not read: the connection is closed after the answer, so the rest of the body is never taken.
      res.set('connection', 'close');
      throw tooLarge();
    }
    const account = `account:${actor.via ?? actor.role}:${actor.person?.name ?? actor.tokenId ?? ''}`;
    const address = `address:${req.ip ?? ''}`;
    if (!take(account, perAccount)) {
      res.set('connection', 'close');
      throw busy();
    }
    if (!take(address, perAddress)) {
      give(account);
      res.set('connection', 'close');
      throw busy();
    }
    const path = join(dir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        give(account);
        give(address);
        void rm(path, { force: true });
      }
    };
    res.once('close', release);
    try {
      await mkdir(dir, { recursive: true });
      const received = await receive(req, path, maxBytes);
      if (received === null) {
        res.set('connection', 'close');
        throw tooLarge();
      }
      res.locals.upload = received;
      next();
    } catch (error) {
      release();
      throw error;
    }
  };
}

/** The file an upload gate received for this request. */
export function uploadOf(res: Response): ReceivedUpload {
  const upload = res.locals.upload as ReceivedUpload | undefined;
  if (upload === undefined || upload.bytes === 0) {
    throw DomainError.validation('Chưa có tệp (no file in the request body)', [
      { path: 'file', message: 'Chưa chọn tệp' },
    ]);
  }

  return upload;
}

/** The uploaded bytes, for a handler that keeps them (read once the upload is whole, authenticated and in limits). */
export function uploadBytes(upload: ReceivedUpload): Promise<Buffer> {
  return readFile(upload.path);
}

/** Streams the request body to `path`; null when it grew past `maxBytes` (the file is then removed). */
function receive(req: Request, path: string, maxBytes: number): Promise<ReceivedUpload | null> {
  return new Promise((resolve, reject) => {
    const file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    const hash = createHash('sha256');
    let bytes = 0;
    let done = false;
    const finish = (outcome: () => void) => {
      if (!done) {
        done = true;
        outcome();
      }
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        req.pause();
        file.destroy();
        finish(() => resolve(null));

        return;
      }
      hash.update(chunk);
      if (!file.write(chunk)) {
        req.pause();
        file.once('drain', () => req.resume());
      }
    });
    req.once('end', () => file.end(() => finish(() => resolve({ path, bytes, sha256: hash.digest('hex') }))));
    req.once('error', (error) => {
      file.destroy();
      finish(() => reject(error));
    });
    req.once('aborted', () => {
      file.destroy();
      finish(() => reject(new DomainError('VALIDATION_FAILED', 'Tải tệp lên bị ngắt giữa chừng (upload aborted)')));
    });
    file.once('error', (error) => finish(() => reject(error)));
  });
}

const busy = () =>
  new DomainError(
    'RATE_LIMITED',
    'Đang có tệp khác được tải lên từ tài khoản hoặc máy này; hãy đợi tệp đó xong (another upload is in progress)',
  );
