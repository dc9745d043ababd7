/** The tests' Redis is the simulator's: a real redis-server on a free loopback port (server/simulator/localRedis.ts). */
export { startRedis, type LocalRedis as TestRedis } from '../../server/simulator/localRedis.js';
