/**
 * Where the coordinator sends a room's media. A room that states in its SDP the address it signals from is sent to at
 * once; a room whose SDP names another address (a private one behind NAT, or any other host) is answered only where
 * its packets come from (comedia): the coordinator never sends media to an address just because an SDP named it.
 */
export function sendsToStatedAddress(sdpAddress: string, signalledFrom: string): boolean {
  return normaliseIp(sdpAddress) === normaliseIp(signalledFrom);
}

const normaliseIp = (ip: string) =>
  ip
    .trim()
    .toLowerCase()
    .replace(/^::ffff:/, '');
