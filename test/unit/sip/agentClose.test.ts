import dgram from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SipUserAgent } from '../../../server/sip/SipUserAgent.js';
import { freePort, wait } from '../../helpers/poll.js';

describe('the SIP user agent, closed with requests in flight', () => {
  it('drops the retransmissions of the BYEs it sent as the coordinator stopped instead of throwing from a timer', async () => {
    // A room that does not answer (on its own address: the package reads a request to its own host as a flow token).
    const room = dgram.createSocket('udp4');
    room.bind(0, '127.0.0.2');
    await once(room, 'listening');
    const heard: Buffer[] = [];
    room.on('message', (m) => heard.push(m));
    const agent = await SipUserAgent.start({
      listenIp: '127.0.0.1',
      port: await freePort(),
      announcedIp: '127.0.0.1',
      onRequest: () => undefined,
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const target = `sip:room@127.0.0.2:${room.address().port}`;
      // What SipService.close() does: each call hung up (BYE), then the agent closed.
      agent.send({
        method: 'BYE',
        uri: target,
        headers: {
          to: { uri: target, params: { tag: 'r' } },
          from: { uri: 'sip:123456@127.0.0.1', params: { tag: 'x' } },
          'call-id': 'closing-1',
          cseq: { method: 'BYE', seq: 2 },
          'max-forwards': 70,
          via: [],
        },
        content: '',
      });
      agent.close();
      // Its sending comes due on the closed socket, and its retransmissions at 0.5 s and 1 s.
      await wait(2000);
      expect(uncaught).toEqual([]);
      expect(heard).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      room.close();
    }
  });
});
