import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestIssuer } from '../support/issuer-server.js';

/** The manifest of the product brief, with file stores so that it can be rotated for real. */
export const BRIEF_EXAMPLE = `version: 1
defaults: { standard: HIPAA, rotate_every_days: 90 }
credentials:
  - id: db-admin
    standard: PCI-DSS
    stores: ["file://./db.env#PASSWORD"]
    rotate_every_days: 30
    label: prod/db/admin
  - id: ci-deploy
    stores: ["file://./ci.env#DEPLOY_TOKEN"]
`;

export const AWS = 'https://secretsmanager.us-east-1.amazonaws.com';
export const AWS_JSON = { 'content-type': 'application/x-amz-json-1.1' };
export const AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
export const VAULT = 'https://vault.test:8200';
export const VAULT_ENV = { VAULT_ADDR: VAULT, VAULT_TOKEN: 'hvs.CAESIEXAMPLEvaulttokenvalue0001' };

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
