import { isIP } from 'node:net';
import { DomainError } from '../domain/core/errors.js';

/** Whether a URL's host is this machine's loopback (127.0.0.0/8, ::1, localhost): plain HTTP never leaves it. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') {
    return true;
  }

  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * A parent is reached over `https://`: the link's invitation, the media pipe's keys and the slide requests' credential
 * cross provincial networks. Plain `http://` only on loopback, or where the office allowed it for a lab
 * (`LINK_ALLOW_HTTP=1`).
 */
export function requireSecureParent(parentUrl: string, allowHttp: boolean): void {
  const url = new URL(parentUrl);
  if (url.protocol === 'https:' || allowHttp || isLoopbackHost(url.hostname)) {
    return;
  }
  throw DomainError.validation(
    'Địa chỉ hội nghị cấp trên phải dùng https:// (lời mời và khóa truyền hình không được gửi không mã hóa) — parentUrl must be https://',
    [{ path: 'parentUrl', message: 'https:// required' }],
  );
}

/** An address as a socket reports it, without IPv4-mapped IPv6's prefix. */
const plainAddress = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').toLowerCase();

/**
 * Whether the parent may pipe media to `target`, asked for by a child whose link comes from `remote`: that same
 * address, an address configured for children's media (`configured`), or — the child being on this very machine —
 * any loopback address.
 */
export function pipeTargetAllowed(target: string, remote: string, configured: readonly string[]): boolean {
  const to = plainAddress(target);
  const from = plainAddress(remote);
  if (to === from || configured.some((address) => plainAddress(address) === to)) {
    return true;
  }

  return isLoopbackHost(from) && isLoopbackHost(to);
}
