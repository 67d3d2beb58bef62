import { execFileSync } from 'node:child_process';
import { basename, dirname } from 'node:path';

/** The OpenSSL FIPS provider a FIPS-mode runtime draws its random bytes from, as it names itself. */
export interface FipsProvider {
  name: string;
  version: string;
  /** Where name and version were read, so a reader can judge how much they say. */
  source: string;
}

const MODULE_RE = /[/\\]fips\.(?:so|dylib|dll)$/;
const PRINTABLE_RE = /^[\x20-\x7e]{1,64}$/;

/**
 * Node has no API for OpenSSL's providers (OSSL_PROVIDER_get_params is not exposed), so the name
 * and version come from the provider module itself, asked through the `openssl` command. Where
 * Node's diagnostic report shows the fips module this process loaded, that very file is asked
 * (`-provider-path`); otherwise the command loads what OPENSSL_CONF/OPENSSL_MODULES name, as Node
 * did. Nothing is guessed: no answer means no provider.
 */
export function detectFipsProvider(): FipsProvider | undefined {
  const loaded = loadedFipsModule();
  const args = [
    'list',
    '-providers',
    ...(loaded ? ['-provider-path', dirname(loaded), '-provider', 'fips'] : []),
  ];
  let output: string;
  try {
    output = execFileSync('openssl', args, {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
  const provider = parseFipsProvider(output);
  if (!provider) return undefined;
  return {
    ...provider,
    source: loaded
      ? // the file name only: a certificate is public, and a path may name a user
        `openssl list -providers on ${basename(loaded)}, the module this process loaded`
      : 'openssl list -providers with this process environment (OPENSSL_CONF, OPENSSL_MODULES)',
  };
}

/** The `fips` provider block of `openssl list -providers`, if it is active and names itself. */
export function parseFipsProvider(output: string): { name: string; version: string } | undefined {
  const blocks = output.split(/\n(?= {2}\S)/);
  for (const block of blocks) {
    const lines = block.split('\n').map((l) => l.trim());
    if (lines[0] !== 'fips') continue;
    const field = (key: string) =>
      lines
        .find((l) => l.startsWith(`${key}:`))
        ?.slice(key.length + 1)
        .trim();
    const name = field('name');
    const version = field('version');
    const status = field('status');
    if (status !== 'active' || !name || !version) return undefined;
    if (!PRINTABLE_RE.test(name) || !PRINTABLE_RE.test(version)) return undefined;
    return { name, version };
  }
  return undefined;
}

function loadedFipsModule(): string | undefined {
  try {
    const report = process.report.getReport() as { sharedObjects?: unknown };
    const objects = Array.isArray(report.sharedObjects) ? report.sharedObjects : [];
    return objects.find((o): o is string => typeof o === 'string' && MODULE_RE.test(o));
  } catch {
    return undefined;
  }
}
