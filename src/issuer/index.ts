/**
 * The certificate authority behind `passgeni serve` (DESIGN §6): the service core (see core.ts,
 * which in-process users such as the CLI's local issuer should import to avoid loading the HTTP
 * server) plus the HTTP server.
 */
export * from './core.js';
export { prefersJson } from './http/server.js';
export type { ServerOptions } from './http/server.js';
export { startServer } from './http/start.js';
export { recordServingUrl } from './db/lock.js';
export type { RunningServer } from './http/start.js';
