import { expect } from 'vitest';
import { api } from '../../issuer/support/server.js';
import { sessionBody } from '../../issuer/support/fixtures.js';

export interface Issued {
  cert_id: string;
  certificate: string;
  log: { inclusion_url: string; proof_available_after: string };
}

/** One certificate over HTTP: a session, then the certificate. */
export async function issueOverHttp(url: string, key: string): Promise<Issued> {
  const session = await api<{ generation_session_id: string }>(url, '/api/v1/sessions', {
    key,
    body: sessionBody(),
  });
  expect(session.status).toBe(201);
  const issued = await api<Issued>(url, '/api/v1/certificates', {
    key,
    body: { generation_session_id: session.body.generation_session_id },
  });
  expect(issued.status).toBe(201);
  return issued.body;
}

export async function revokeOverHttp(
  url: string,
  key: string,
  id: string,
  reason: string,
): Promise<{ revoked_at: string; revocation_reason: string }> {
  const r = await api<{ revoked_at: string; revocation_reason: string }>(
    url,
    `/api/v1/certificates/${id}/revoke`,
    { key, body: { reason } },
  );
  expect(r.status).toBe(200);
  return r.body;
}

/** Runs `fn` over `items`, `width` at a time. */
export async function inParallel<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

export const b64 = (hashes: readonly string[]): Buffer[] => hashes.map((h) => Buffer.from(h, 'base64'));
