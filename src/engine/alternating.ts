import type { SecretStore } from '../../adapters/store.js';
import { InputError } from '../errors.js';

/**
 * Alternating users (zero-downtime rotation, as AWS's alternating-users strategy): the target
 * names two accounts with the same grants, `…#app_a,app_b`. Each rotation sets the password of the
 * one NOT in the stored secret, then switches the secret — a JSON value `{"username", "password"}`
 * — to it. Clients holding the previous value keep logging in with it until the next rotation.
 */
export interface Alternation {
  /** The target URI naming the one account this run rotates. */
  target: string;
  account: string;
  /** Both accounts of the pair, as the target names them (the inventory shows both). */
  accounts: readonly [string, string];
  /** The value written to the stores for a new password. */
  storedValue(password: string): string;
}

export async function planAlternation(target: string, stores: readonly SecretStore[]): Promise<Alternation> {
  const hash = target.lastIndexOf('#');
  const accounts = hash < 0 ? [] : target.slice(hash + 1).split(',');
  if (accounts.length !== 2 || accounts.some((a) => a === '') || accounts[0] === accounts[1]) {
    throw new InputError(
      'TARGET_URI_INVALID',
      'The alternating strategy needs a target naming two accounts with the same grants after #, separated by a comma, e.g. postgresql://rotator@db:5432/app#app_a,app_b.',
    );
  }
  const current = await stores[0]?.readCredential();
  let inUse: string | undefined;
  if (current !== undefined) {
    try {
      const parsed = JSON.parse(current) as { username?: unknown };
      if (typeof parsed.username === 'string') inUse = parsed.username;
    } catch {
      // a plain value: no account is in use yet, so the first one is rotated
    }
  }
  const account = inUse === accounts[0] ? accounts[1]! : accounts[0]!;
  return {
    target: `${target.slice(0, hash)}#${encodeURIComponent(account)}`,
    account,
    accounts: [accounts[0]!, accounts[1]!],
    storedValue: (password) => JSON.stringify({ username: account, password }),
  };
}
