import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { AccountStore } from './accounts/AccountStore.js';
import { FileAccountStore } from './accounts/FileAccountStore.js';
import { FileTokenRegistry } from './accounts/FileTokenRegistry.js';
import { RedisAccountStore } from './accounts/RedisAccountStore.js';
import { RedisTokenRegistry } from './accounts/RedisTokenRegistry.js';
import type { TokenRegistry } from './accounts/TokenRegistry.js';
import type { Config } from './config.js';
import { createLogger } from './logger.js';
import type { Ownership } from './meetings/MeetingService.js';
import type { DirectoryStore } from './store/DirectoryStore.js';
import { FileDirectoryStore } from './store/embedded/FileDirectoryStore.js';
import { FileLinkCredentials } from './store/embedded/FileLinkCredentials.js';
import { FileMeetingStore } from './store/embedded/FileMeetingStore.js';
import type { LinkCredentials } from './store/LinkCredentials.js';
import type { MeetingStore } from './store/MeetingStore.js';
import { MeetingLeases } from './store/redis/MeetingLease.js';
import { RedisDirectoryStore } from './store/redis/RedisDirectoryStore.js';
import { RedisLinkCredentials } from './store/redis/RedisLinkCredentials.js';
import { RedisMeetingStore } from './store/redis/RedisMeetingStore.js';

const logger = createLogger('stores');

/** The stores chosen by STORE: embedded files (nothing to install) or Redis. */
export async function createStores(config: Config): Promise<{
  store: MeetingStore;
  directoryStore: DirectoryStore;
  tokenRegistry: TokenRegistry;
  accountStore: AccountStore;
  linkCredentials: LinkCredentials;
  ownership?: Ownership;
  redis?: Redis;
}> {
  if (config.STORE === 'redis') {
    const store = await RedisMeetingStore.create({ url: config.REDIS_URL });
    const nodeId = config.NODE_ID ?? `${hostname()}-${process.pid}`;
    logger.info({ url: config.REDIS_URL.replace(/\/\/[^@]*@/, '//***@'), nodeId }, 'store: redis');

    return {
      store,
      redis: store.client,
      directoryStore: new RedisDirectoryStore({ redis: store.client }),
      tokenRegistry: await RedisTokenRegistry.create({ redis: store.client }),
      accountStore: new RedisAccountStore({ redis: store.client }),
      linkCredentials: new RedisLinkCredentials({ redis: store.client }),
      ownership: {
        nodeId,
        leases: new MeetingLeases({ redis: store.client, ttlMs: config.LEASE_TTL_MS }),
        fence: (meetingId, lease) => store.fence(meetingId, lease),
        renewMs: Math.max(100, Math.floor(config.LEASE_TTL_MS / 3)),
      },
    };
  }

  return {
    store: await FileMeetingStore.create({ dir: join(config.DATA_DIR, 'meetings'), fsync: config.STORE_FSYNC }),
    directoryStore: new FileDirectoryStore({ path: join(config.DATA_DIR, 'directory.json') }),
    tokenRegistry: await FileTokenRegistry.create({ path: join(config.DATA_DIR, 'tokens.jsonl') }),
    linkCredentials: new FileLinkCredentials({ path: join(config.DATA_DIR, 'link-credentials.json') }),
    accountStore: await FileAccountStore.create({ path: join(config.DATA_DIR, 'accounts.json') }),
  };
}
