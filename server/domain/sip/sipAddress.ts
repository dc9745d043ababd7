/**
 * A room system's SIP address as the directory keeps it and as calls are matched: `user@host` (or `host` alone for a
 * unit called at its address), lower case, without scheme, port, parameters or display name. Room systems put
 * `sip:`, `<…>`, `;transport=udp` and the default port in their From header in vendor-specific ways; matching on this
 * form recognises the same room however it wrote it.
 */
export type SipAddress = string;

const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$|^\d{1,3}(?:\.\d{1,3}){3}$|^\[[0-9a-f:.]+\]$/;
const USER = /^[a-z0-9\-_.!~*'()&=+$,;?/%]{1,64}$/;

/** `sip:Room-12@10.1.2.3:5060;transport=udp` → `room-12@10.1.2.3`; `null` when it is not a SIP address. */
export function normaliseSipAddress(raw: string): SipAddress | null {
  let text = raw.trim().toLowerCase();
  const angled = /<([^>]*)>/.exec(text);
  if (angled?.[1] !== undefined) {
    text = angled[1];
  }
  text = text.replace(/^sips?:/, '');
  text = text.split(';', 1)[0] ?? '';
  text = text.split('?', 1)[0] ?? '';
  const at = text.lastIndexOf('@');
  const user = at === -1 ? null : text.slice(0, at);
  let host = at === -1 ? text : text.slice(at + 1);
  // The default port says nothing about which room it is; any other port does (two units behind one address).
  const port = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(host);
  if (port === null) {
    return null;
  }
  host = port[1] ?? '';
  const portPart = port[2] !== undefined && port[2] !== '5060' && port[2] !== '5061' ? `:${port[2]}` : '';
  if (!HOST.test(host) || (user !== null && !USER.test(user))) {
    return null;
  }

  return `${user === null ? '' : `${user}@`}${host}${portPart}`;
}

/** The address to dial for a directory entry: `sip:` + its normal form (a port kept when it is not the default). */
export function dialUri(address: SipAddress): string {
  return `sip:${address}`;
}
