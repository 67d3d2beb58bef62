/**
 * The one storage interface the issuer is written against. Two implementations run the same SQL:
 * PGlite (embedded PostgreSQL in a data directory) and PostgreSQL through a `pg` pool.
 */
export interface QueryOptions {
  /**
   * A stable statement name: PostgreSQL prepares it once per connection and afterwards only binds
   * parameters. Use it for the hot statements; the text must never change under one name.
   */
  name?: string;
  /**
   * false = the statement's effects may be lost if the database host crashes within a fraction of
   * a second of the commit (PostgreSQL asynchronous commit). Only for state that is fine to lose:
   * rate counters, 60-second sessions, page-view events. Default true.
   */
  durable?: boolean;
}

export interface Queryable {
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<R[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` while holding the schema lock, so replicas that start together migrate one at a
   * time (pg_advisory_lock on PostgreSQL; PGlite has a single connection and a data-dir lock).
   */
  withSchemaLock<T>(fn: (db: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
