import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMeeting } from '../../server/protocol/client.js';
import { Meeting, smallDirectory } from '../helpers/domain.js';
import { DirectoryIndex } from '../../server/domain/directory/directory.js';
import { floorView, snapshotFor } from '../../server/signaling/views.js';

/**
 * The client's promise: a caller attaching listeners when `connectMeeting` resolves misses nothing. A bare
 * socket.io server sends the snapshot and two deltas in one go, so they reach the client in one chunk.
 */
describe('connectMeeting', () => {
  const httpServer = createServer();
  const io = new Server(httpServer);
  let url: string;
  const m = new Meeting().startSession();
  const index = new DirectoryIndex(smallDirectory());

  beforeAll(async () => {
    io.on('connection', (socket) => {
      socket.emit('meeting:snapshot', snapshotFor(m.state, index, { role: 'chair' }, m.now, 2000));
      socket.emit('floor:changed', { ...floorView(m.state, index), seq: m.state.seq + 1 });
      socket.emit('floor:changed', { ...floorView(m.state, index), seq: m.state.seq + 2 });
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => void io.close(() => resolve()));
  });

  it('hands deltas that came with the snapshot to listeners attached when it resolves, once each', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { socket, snapshot } = await connectMeeting(url, 'any', { reconnection: false });
      const seen: number[] = [];
      socket.on('floor:changed', (floor) => seen.push(floor.seq));
      await new Promise((r) => setTimeout(r, 100));
      expect(snapshot.seq).toBe(m.state.seq);
      expect(seen).toEqual([m.state.seq + 1, m.state.seq + 2]);
      socket.close();
    }
  });
});
