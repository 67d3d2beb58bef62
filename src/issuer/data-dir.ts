import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const GITIGNORE = `# Written by passgeni: this directory holds the local issuer's database and private signing
# key. Never commit it (whoever holds the key can issue certificates in this issuer's name).
*
`;

/**
 * Creates the local issuer's data directory (owner only) if needed, with a .gitignore that keeps
 * all of it out of git: it usually sits in a repository checkout, beside the code.
 */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ignore = join(dir, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, GITIGNORE, { mode: 0o600 });
}
