import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The admin password the way libpq finds it when the connection string has none: the service
 * file's `password` (service from `?service=` or PGSERVICE), then PGPASSWORD, then the password
 * file (~/.pgpass or PGPASSFILE). libpq fills unset settings from the service before the
 * environment, and reads the password file last; the same order is kept here so that a setup that
 * works for psql works for passgeni.
 */
export interface LibpqLookup {
  host: string;
  port: number;
  database: string;
  user: string;
  /** `?service=` of the URI; PGSERVICE otherwise. */
  service?: string | undefined;
}

export function libpqPassword(lookup: LibpqLookup, env: NodeJS.ProcessEnv): string | undefined {
  const service = lookup.service ?? env.PGSERVICE;
  if (service) {
    const fromService = serviceSettings(service, env)?.get('password');
    if (fromService !== undefined) return fromService;
  }
  if (env.PGPASSWORD) return env.PGPASSWORD;
  return pgpassPassword(lookup, env);
}

/**
 * A service's settings: the user's file (PGSERVICEFILE, else ~/.pg_service.conf) is searched
 * first and, when it names the service, is the only one used; otherwise the system file in
 * PGSYSCONFDIR. Undefined when no file defines the service.
 */
export function serviceSettings(service: string, env: NodeJS.ProcessEnv): Map<string, string> | undefined {
  const home = env.HOME ?? homedir();
  const files = [
    env.PGSERVICEFILE ?? join(home, '.pg_service.conf'),
    ...(env.PGSYSCONFDIR ? [join(env.PGSYSCONFDIR, 'pg_service.conf')] : []),
  ];
  for (const file of files) {
    const text = readIfFile(file);
    if (text === undefined) continue;
    const settings = parseServiceFile(text).get(service);
    if (settings) return settings;
  }
  return undefined;
}

function parseServiceFile(text: string): Map<string, Map<string, string>> {
  const services = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      current = new Map();
      services.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || current === undefined) continue;
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return services;
}

/**
 * The password file, by libpq's rules: PGPASSFILE or ~/.pgpass; ignored unless it is a regular
 * file without group or world permissions; lines `host:port:database:user:password`, `#` lines
 * are comments, `*` matches anything in the first four fields, `\` escapes `:` and `\`; the first
 * matching line wins. A host given as a socket directory matches `localhost`.
 */
export function pgpassPassword(lookup: LibpqLookup, env: NodeJS.ProcessEnv): string | undefined {
  const file = env.PGPASSFILE ?? join(env.HOME ?? homedir(), '.pgpass');
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return undefined;
  }
  if (!stat.isFile() || (stat.mode & 0o077) !== 0) return undefined;
  const host = lookup.host === '' || lookup.host.startsWith('/') ? 'localhost' : lookup.host;
  const wanted = [host, String(lookup.port), lookup.database, lookup.user];
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = splitPgpassLine(line);
    if (fields.length < 5) continue;
    if (wanted.every((value, i) => fields[i]!.wildcard || fields[i]!.value === value)) {
      return fields[4]!.value;
    }
  }
  return undefined;
}

/** Splits at unescaped colons; a field that is exactly an unescaped `*` is a wildcard. */
function splitPgpassLine(line: string): { value: string; wildcard: boolean }[] {
  const fields: { value: string; wildcard: boolean }[] = [];
  let value = '';
  let raw = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    // the password is the rest of the line up to an unescaped colon, like libpq
    if (c === '\\' && i + 1 < line.length) {
      value += line[i + 1];
      raw += c + line[i + 1];
      i++;
    } else if (c === ':' && fields.length < 4) {
      fields.push({ value, wildcard: raw === '*' });
      value = raw = '';
    } else if (c === ':') {
      break;
    } else {
      value += c;
      raw += c;
    }
  }
  fields.push({ value, wildcard: raw === '*' });
  return fields;
}

function readIfFile(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
