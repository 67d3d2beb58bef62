import { TargetError, type Target, type TargetOptions } from './target.js';

export type { Target, TargetOptions, RestoreOutcome, TargetKind } from './target.js';
export { TargetError, targetDisplay } from './target.js';

/**
 * Opens the target a URI names. Each system's driver is imported only when a URI of its scheme
 * is opened. Opening parses the URI (a typo is a usage error) without connecting.
 */
export async function openTarget(uri: string, options: TargetOptions = {}): Promise<Target> {
  const env = options.env ?? process.env;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'postgresql':
    case 'postgres': {
      const { PostgresTarget, parsePostgresUri } = await import('./postgresql.js');
      return new PostgresTarget(parsePostgresUri(uri, env), options);
    }
    case 'mysql': {
      const { MysqlTarget, parseMysqlUri } = await import('./mysql.js');
      return new MysqlTarget(parseMysqlUri(uri), options);
    }
    case 'redis':
    case 'rediss': {
      const { RedisTarget, parseRedisUri } = await import('./redis.js');
      return new RedisTarget(parseRedisUri(uri), options);
    }
    default:
      throw new TargetError(
        'TARGET_URI_INVALID',
        `Target "${uri.replace(/\/\/[^@/]*@/, '//…@')}" has ${scheme ? `an unknown scheme "${scheme}"` : 'no scheme'}. Supported: postgresql://ADMIN@HOST:PORT/DB#ROLE, mysql://ADMIN@HOST:PORT#USER@HOSTPART, redis://ADMIN@HOST:PORT#USER.`,
        { target: uri.replace(/\/\/[^@/]*@/, '//…@') },
      );
  }
}
