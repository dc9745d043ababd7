import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { ACCOUNT_ROLES, type AccountRole } from '../domain/directory/accounts.js';
import { isDomainError } from '../domain/core/errors.js';
import { RedisMeetingStore } from '../store/redis/RedisMeetingStore.js';
import { AccountService } from './AccountService.js';
import type { AccountStore } from './AccountStore.js';
import { FileAccountStore } from './FileAccountStore.js';
import { RedisAccountStore } from './RedisAccountStore.js';

/**
 * `npm run account:create -- --username NAME --name "Họ tên" [--admin] [--organizer] [--password-env VAR]`
 * Creates an operator account in the store the server uses (DATA_DIR, or Redis with STORE=redis). The password is
 * read from the environment variable named by --password-env, or generated and printed once; never from the
 * command line, where it would stay in the shell's history.
 */
const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    name: { type: 'string' },
    admin: { type: 'boolean', default: false },
    organizer: { type: 'boolean', default: false },
    'password-env': { type: 'string' },
  },
});

async function main(): Promise<number> {
  const roles: AccountRole[] = ACCOUNT_ROLES.filter((role) => values[role] === true);
  if (values.username === undefined || values.name === undefined || roles.length === 0) {
    console.error(
      'usage: npm run account:create -- --username NAME --name "Họ tên" [--admin] [--organizer] [--password-env VAR]',
    );

    return 2;
  }
  const fromEnv = values['password-env'] === undefined ? undefined : process.env[values['password-env']];
  const password = fromEnv ?? randomBytes(12).toString('base64url');
  const config = loadConfig(process.env);
  let store: AccountStore;
  let close = async () => undefined as unknown;
  if (config.STORE === 'redis') {
    const meetingStore = await RedisMeetingStore.create({ url: config.REDIS_URL });
    store = new RedisAccountStore({ redis: meetingStore.client });
    close = () => meetingStore.close();
  } else {
    store = await FileAccountStore.create({ path: join(config.DATA_DIR, 'accounts.json') });
  }
  try {
    const service = new AccountService({ store, secret: config.JWT_SECRET });
    const account = await service.create({ username: values.username, displayName: values.name, password, roles });
    console.log(`Đã tạo tài khoản ${account.username} (${account.displayName}), vai trò: ${account.roles.join(', ')}`);
    if (fromEnv === undefined) {
      console.log(`Mật khẩu (chỉ hiện lần này): ${password}`);
    }

    return 0;
  } catch (error) {
    console.error(isDomainError(error) ? `${error.code}: ${error.message}` : error);

    return 1;
  } finally {
    await store.close();
    await close();
  }
}

process.exitCode = await main();
