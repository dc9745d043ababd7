import type { Account } from '../domain/directory/accounts.js';

/** Where operator accounts are kept: a file beside the embedded store, or Redis shared by every coordinator. */
export interface AccountStore {
  get(username: string): Promise<Account | null>;
  list(): Promise<Account[]>;
  /** Creates the account; `false` (and nothing written) when the username is taken. */
  create(account: Account): Promise<boolean>;
  /** Replaces an existing account (sign-in counters, password, roles). */
  update(account: Account): Promise<void>;
  close(): Promise<void>;
}
