import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HttpIssuerClient } from '../../src/issuer-client/index.js';
import type { TestIssuer } from '../support/issuer-server.js';

export const AWS = 'https://secretsmanager.us-east-1.amazonaws.com';
export const AWS_JSON = { 'content-type': 'application/x-amz-json-1.1' };
export const AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
export const VAULT = 'https://vault.test:8200';
export const VAULT_ENV = { VAULT_ADDR: VAULT, VAULT_TOKEN: 'hvs.CAESIEXAMPLEvaulttokenvalue0001' };

export function client(issuer: TestIssuer): HttpIssuerClient {
  return new HttpIssuerClient({ url: issuer.url, apiKey: issuer.apiKey, baseDelayMs: 1, maxAttempts: 3 });
}

/** How many certificates the test issuer has issued to the test team. */
export async function certificateCount(issuer: TestIssuer): Promise<number> {
  const team = await issuer.issuer.ensureTeam('engine-tests');
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await issuer.issuer.listCertificates(
      { teamId: team.id },
      { limit: 100, ...(cursor !== undefined && { cursor }) },
    );
    count += page.certificates.length;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return count;
}

/** A digest of every file under a directory (names, modes and bytes): "nothing changed" in one value. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    const stat = statSync(file);
    if (stat.isDirectory()) continue;
    out[name] =
      `${(stat.mode & 0o777).toString(8)}:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
  }
  return out;
}

export function sidecarUrl(file: string, key: string): string | undefined {
  const records = JSON.parse(readFileSync(`${file}.passgeni.json`, 'utf8')) as Record<
    string,
    { cert_url?: string }
  >;
  return records[key]?.cert_url;
}
