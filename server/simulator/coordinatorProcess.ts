import { startServer } from '../app.js';
import { loadConfig } from '../config.js';

/**
 * One coordinator for the simulator, in a process of its own so that the simulated points never share its event
 * loop: started from the environment (server/simulator/coordinators.ts sets it), it reports its URL over IPC and
 * closes gracefully when told to.
 */
const server = await startServer(loadConfig({ ...process.env, PORT: '0', HOST: process.env.HOST ?? '127.0.0.1' }));

process.on('message', (message: { cmd: string }) => {
  if (message.cmd === 'close') {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ url: server.url });
