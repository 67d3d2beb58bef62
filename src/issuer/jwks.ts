import { buildJwks } from '../certificate/index.js';
import type { Jwks, PublicJwk, SigningKey } from '../certificate/index.js';
import type { Database } from './db/types.js';
import { IssuerServiceError } from './errors.js';

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
    const rows = await this.db.query<{ jwk: PublicJwk }>(
      `SELECT public_jwk AS jwk FROM signing_keys
       WHERE withdrawn_at IS NULL ORDER BY first_seen_at DESC, kid`,
    );
    const jwks = buildJwks(rows.map((r) => r.jwk));
    // this process's own key is published even if the read raced a rotation elsewhere
    if (!jwks.keys.some((k) => k.kid === this.ownKey.kid)) jwks.keys.unshift(this.ownKey.publicJwk);
    this.current = jwks;
    return jwks;
  }

  /**
   * Marks a key retired: it stays in the JWKS (its certificates keep verifying) but should no
   * longer sign (`passgeni serve --rotate-key`).
   */
  async retire(kid: string): Promise<void> {
    await this.db.query('UPDATE signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL', [
      kid,
      this.clock(),
    ]);
    await this.refresh();
  }

  /**
   * Removes a key from the JWKS: certificates it signed stop verifying everywhere. Only for a key
   * that has leaked; revocation of its certificates alone would not stop forgeries.
   */
  async withdraw(kid: string): Promise<boolean> {
    if (kid === this.ownKey.kid) {
      throw new IssuerServiceError(
        'SIGNING_KEY_IN_USE',
        409,
        'This issuer signs with that key; rotate to a new key first.',
      );
    }
    const rows = await this.db.query(
      'UPDATE signing_keys SET withdrawn_at = $2 WHERE kid = $1 AND withdrawn_at IS NULL RETURNING kid',
      [kid, this.clock()],
    );
    await this.refresh();
    return rows.length > 0;
  }
}
