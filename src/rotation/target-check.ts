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
export async function targetRejection(target: string, store: SecretStore): Promise<string | undefined> {
  const credential = await store.readCredential();
  if (credential === undefined) return `${store.uri} holds no credential to log in to ${target} with.`;
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
