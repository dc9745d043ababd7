import type { Socket } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { createLogger } from '../logger.js';
import type { Ack } from '../protocol/common.js';
import { LINK_NAMESPACE, LINK_PATH } from '../protocol/link.js';

const logger = createLogger('linkProxy');

/**
 * A parent served by several coordinators on one Redis: a child's link that reaches a node not owning the meeting is
 * relayed to the owner, over the owner's own link endpoint with the child's credential, both ways (requests with
 * their acks up, notifications down). When the owner goes (a failover), the relay closes the child's link, which
 * reconnects and is served by the new owner.
 */
export function relayLink(socket: Socket, ownerUrl: string, { timeoutMs = 10_000 }: { timeoutMs?: number } = {}): void {
  const upstream = connect(`${ownerUrl}${LINK_NAMESPACE}`, {
    path: LINK_PATH,
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: socket.handshake.auth as Record<string, unknown>,
  });
  const drop = (why: string) => {
    logger.info({ ownerUrl, why }, 'relayed link closed');
    upstream.disconnect();
    socket.disconnect(true);
  };
  upstream.on('connect_error', (error) => drop(`owner refused or unreachable: ${error.message}`));
  upstream.on('disconnect', (reason) => drop(`owner link ended: ${reason}`));
  socket.on('disconnect', () => upstream.disconnect());
  upstream.onAny((event: string, body: unknown) => socket.emit(event, body));
  socket.onAny((event: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack !== 'function') {
      return;
    }
    const reply = ack as (answer: Ack) => void;
    upstream
      .timeout(timeoutMs)
      .emitWithAck(event, args[0])
      .then(
        (answer: Ack) => reply(answer),
        () =>
          reply({
            ok: false,
            error: {
              code: 'LINK_UNREACHABLE',
              message: 'Máy chủ giữ hội nghị cấp trên không trả lời (the owning coordinator did not answer)',
            },
          }),
      );
  });
}
