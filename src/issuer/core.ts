/**
 * The issuer's service core without the HTTP server (no fastify loaded): what the CLI's
 * in-process local issuer imports. `index.ts` adds the server.
 *
 * The certificate authority behind `passgeni serve` (DESIGN §6): service core, HTTP server,
 * storage (PGlite or PostgreSQL), abuse controls and audit events. It never imports the
 * generator or a store adapter: the authority cannot touch a credential (DESIGN §2).
 *
 * In-process use (the CLI's local issuer):
 *
 *   const issuer = await openIssuer({ dataDir: '.passgeni', publicUrl: 'http://127.0.0.1:8787' });
 *   const team = await issuer.ensureTeam('local');
 *   const caller = { teamId: team.id };
 *   const session = await issuer.createSession(caller, { standard, generation_params, entropy_source });
 *   const cert = await issuer.issueCertificate(caller, { generation_session_id: session.generation_session_id, generated_at });
 *   await issuer.close();
 */
export { openIssuer, Issuer } from './issuer.js';
export type { IssuerOptions } from './options.js';
export { IssuerServiceError } from './errors.js';
export { resolveLimits } from './limits.js';
export type { AbuseLimits, RateLimitState } from './limits.js';
export { openDatabase, redactDatabaseUrl } from './db/open.js';
export type { DatabaseSelection, OpenedDatabase } from './db/open.js';
export type { Database, Queryable, QueryOptions } from './db/types.js';
export { MIGRATIONS, SCHEMA_VERSION, migrate } from './db/migrations.js';
export { createApiKey, ensureTeam, listApiKeys, revokeApiKey } from './admin.js';
export type { ApiKeyInfo, KeyLimits } from './admin.js';
export { DATA_DIR_KEY_FILE, rotateKeyFile } from './signing-keys.js';
export type { IssuerLogger } from './types.js';
export type { AuditTrailEvent, EventList } from './events.js';
