import type { SecretStore } from '../../adapters/store.js';
import { openTarget } from '../../adapters/targets/index.js';
import { isPassgeniError } from '../errors.js';

/**
 * Whether the target still accepts what the first store holds. A certificate can be current
 * while the target has drifted: a run killed after setting the target but before writing the
 * stores, or a password changed by hand. Then the entry is due (`target-rejects`), and rotating
 * it sets a new credential on both. Returns the reason to rotate, or undefined when the target
 * accepts the stored credential. A target that cannot be reached throws: rotating blind would
 * fail at the same target anyway.
 */
export async function targetRejection(
  target: string,
  strategy: 'single' | 'alternating' | undefined,
  store: SecretStore,
): Promise<string | undefined> {
  const value = await store.readCredential();
  if (value === undefined) return `${store.uri} holds no credential to log in to ${target} with.`;
  let credential = value;
  if (strategy === 'alternating') {
    // the stored secret names the account in use: that one must accept its password
    const secret = parseSecret(value);
    if (secret === undefined) return `${store.uri} does not hold a {"username","password"} secret.`;
    target = `${target.slice(0, target.lastIndexOf('#'))}#${encodeURIComponent(secret.username)}`;
    credential = secret.password;
  }
  const opened = await openTarget(target);
  try {
    await opened.test(credential);
    return undefined;
  } catch (error) {
    if (isPassgeniError(error) && error.code === 'TARGET_TEST_FAILED') {
      return `${target} refuses the credential ${store.uri} holds for "${opened.account}": the target and the store disagree.`;
    }
    throw error;
  } finally {
    await opened.close();
  }
}

function parseSecret(value: string): { username: string; password: string } | undefined {
  try {
    const parsed = JSON.parse(value) as { username?: unknown; password?: unknown };
    return typeof parsed.username === 'string' && typeof parsed.password === 'string'
      ? { username: parsed.username, password: parsed.password }
      : undefined;
  } catch {
    return undefined;
  }
}
