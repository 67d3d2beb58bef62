import type { Jwks, SigningKey } from '../certificate/index.js';
import type { Database } from './db/types.js';
import { IssuerServiceError } from './errors.js';
import { jwksOf, publishedKeys, retireSigningKey, withdrawSigningKey } from './signing-keys.js';

/**
 * The key set this issuer publishes at /.well-known/jwks.json: every key in the shared database
 * that has not been withdrawn (current and retired), so certificates keep verifying after a
 * rotation on any replica. It is read from the database at start-up, on a timer and after every
 * change made here, and served from memory in between.
 */
export class PublishedJwks {
  private current: Jwks = { keys: [] };

  constructor(
    private readonly db: Database,
    private readonly ownKey: SigningKey,
    private readonly clock: () => Date,
  ) {}

  get jwks(): Jwks {
    return this.current;
  }

  async refresh(): Promise<Jwks> {
    const jwks = jwksOf(await publishedKeys(this.db));
    // this process's own key is published even if the read raced a rotation elsewhere
    if (!jwks.keys.some((k) => k.kid === this.ownKey.kid)) jwks.keys.unshift(this.ownKey.publicJwk);
    this.current = jwks;
    return jwks;
  }

  /** Marks a key retired: it keeps verifying, stops being current (`passgeni serve --rotate-key`). */
  async retire(kid: string): Promise<void> {
    await retireSigningKey(this.db, kid, this.clock());
    await this.refresh();
  }

  /** Removes a compromised key from the JWKS: its certificates stop verifying everywhere. */
  async withdraw(kid: string): Promise<boolean> {
    if (kid === this.ownKey.kid) {
      throw new IssuerServiceError(
        'SIGNING_KEY_IN_USE',
        409,
        'This issuer signs with that key; rotate to a new key first.',
      );
    }
    const changed = await withdrawSigningKey(this.db, kid, this.clock());
    await this.refresh();
    return changed;
  }
}
