import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../issuer/support/backends.js';
import type { TestDatabase } from '../issuer/support/backends.js';
import { api, testServer } from '../issuer/support/server.js';
import type { TestServer } from '../issuer/support/server.js';
import { uniqueTeam } from '../issuer/support/fixtures.js';
import { b64, inParallel, issueOverHttp, revokeOverHttp } from './support/issue.js';
import type { Issued } from './support/issue.js';
import { consistencyVerifies, hashLeaf, inclusionVerifies, mth } from './support/rfc9162.js';
import { readCheckpoint, readVkey } from './support/signed-note.js';
import type { ParsedCheckpoint, Vkey } from './support/signed-note.js';

/**
 * The transparency log over HTTP, checked by an independent RFC 9162 verifier and signed-note
 * reader (test/log/support): 1,000 certificates, some revoked, each with an inclusion proof that
 * verifies against the signed checkpoint; consistency between checkpoints; tiles; bad requests.
 */

interface Proof {
  leaf_index: number;
  tree_size: number;
  hashes: string[];
  checkpoint: string;
  revocation?: { leaf_index: number; hashes: string[] };
}

const revocationText = (id: string, at: string, reason: string) =>
  `passgeni-revocation/v1\ncert ${id}\nrevoked_at ${at}\nreason ${reason}\n`;

describe('transparency log', () => {
  let database: TestDatabase;
  let t: TestServer;
  let key: string;
  let vkey: Vkey;
  const issued: Issued[] = [];
  const revoked = new Map<string, { revoked_at: string; revocation_reason: string }>();
  const checkpoints: Array<{ note: string; cp: ParsedCheckpoint }> = [];

  async function checkpoint(): Promise<{ note: string; cp: ParsedCheckpoint }> {
    const r = await fetch(`${t.url}/log/checkpoint`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const note = await r.text();
    const cp = readCheckpoint(note, vkey);
    expect(cp.origin).toBe(t.issuer.issuerId);
    return { note, cp };
  }

  beforeAll(async () => {
    database = await freshDatabase('pglite');
    t = await testServer(database.db, { logSequenceMs: 200 });
    key = (await t.issuer.createApiKey({ team: uniqueTeam('log') })).key;
    const doc = await api<{ log: { verifier_key: string; origin: string } }>(
      t.url,
      '/.well-known/passgeni-issuer',
    );
    vkey = readVkey(doc.body.log.verifier_key);
    expect(vkey.name).toBe(t.issuer.issuerId);
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('serves a signed checkpoint of the empty tree before the first certificate', async () => {
    const { cp } = await checkpoint();
    expect(cp.size).toBe(0);
    expect(cp.root.equals(mth([]))).toBe(true);
  });

  it('logs a certificate within a second of issuance, as the issuance response says', async () => {
    const one = await issueOverHttp(t.url, key);
    issued.push(one);
    expect(one.log.inclusion_url).toBe(`${t.url}/api/v1/certificates/${one.cert_id}/inclusion`);
    const promised = new Date(one.log.proof_available_after).getTime();
    expect(promised - Date.now()).toBeLessThanOrEqual(2000);
    const early = await api(t.url, `/api/v1/certificates/${one.cert_id}/inclusion`);
    if (early.status === 404) {
      expect(early.body.code).toBe('LOG_ENTRY_PENDING');
      expect(early.headers.get('retry-after')).toBe('1');
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, promised - Date.now()) + 50));
    const proof = await api<Proof>(t.url, one.log.inclusion_url.slice(t.url.length));
    expect(proof.status).toBe(200);
    expect(proof.body.leaf_index).toBe(0);
  });

  it('proves each of 1,000 certificates issued over HTTP, and each revocation, against the signed checkpoint', async () => {
    const more = await inParallel(Array.from({ length: 999 }), 8, async (_x, i) => {
      const cert = await issueOverHttp(t.url, key);
      if (i === 300 || i === 700) {
        await t.issuer.log.sequence();
        checkpoints.push(await checkpoint());
      }
      return cert;
    });
    issued.push(...more);
    for (const cert of issued.filter((_c, i) => i % 10 === 3)) {
      revoked.set(cert.cert_id, await revokeOverHttp(t.url, key, cert.cert_id, i(cert)));
    }
    function i(cert: Issued): string {
      return issued.indexOf(cert) % 20 === 3 ? 'compromised' : 'rotated early, old one retired';
    }
    await t.issuer.log.sequence();
    const latest = await checkpoint();
    checkpoints.push(latest);
    expect(latest.cp.size).toBe(1000 + revoked.size);

    const seen = new Set<number>();
    await inParallel(issued, 8, async (cert) => {
      const r = await api<Proof>(t.url, `/api/v1/certificates/${cert.cert_id}/inclusion`);
      expect(r.status).toBe(200);
      const proof = r.body;
      // the proof's own checkpoint is signed too, and is the published one
      const cp = readCheckpoint(proof.checkpoint, vkey);
      expect(cp.size).toBe(proof.tree_size);
      expect(cp.root.equals(latest.cp.root)).toBe(true);
      expect(
        inclusionVerifies(
          Buffer.from(cert.certificate, 'ascii'),
          proof.leaf_index,
          cp.size,
          b64(proof.hashes),
          cp.root,
        ),
      ).toBe(true);
      seen.add(proof.leaf_index);
      const revocation = revoked.get(cert.cert_id);
      if (revocation) {
        expect(proof.revocation).toBeDefined();
        const text = revocationText(cert.cert_id, revocation.revoked_at, revocation.revocation_reason);
        expect(
          inclusionVerifies(
            Buffer.from(text, 'utf8'),
            proof.revocation?.leaf_index ?? -1,
            cp.size,
            b64(proof.revocation?.hashes ?? []),
            cp.root,
          ),
        ).toBe(true);
        seen.add(proof.revocation?.leaf_index ?? -1);
        // a proof for another entry's bytes does not verify
        expect(
          inclusionVerifies(Buffer.from(text, 'utf8'), proof.leaf_index, cp.size, b64(proof.hashes), cp.root),
        ).toBe(false);
      } else {
        expect(proof.revocation).toBeUndefined();
      }
    });
    // every entry is one certificate's issuance or revocation, and each appears once
    expect(seen.size).toBe(latest.cp.size);
  }, 240_000);

  it('proves consistency between checkpoints taken at different sizes', async () => {
    expect(checkpoints.length).toBe(3);
    const sizes = checkpoints.map((c) => c.cp.size);
    expect(new Set(sizes).size).toBe(3);
    for (const a of checkpoints) {
      for (const b of checkpoints) {
        if (a.cp.size > b.cp.size) continue;
        const r = await api<{ from: number; to: number; hashes: string[] }>(
          t.url,
          `/log/proof/consistency?from=${a.cp.size}&to=${b.cp.size}`,
        );
        expect(r.status).toBe(200);
        expect(consistencyVerifies(a.cp.size, b.cp.size, b64(r.body.hashes), a.cp.root, b.cp.root)).toBe(
          true,
        );
        if (a.cp.size < b.cp.size) {
          // the same proof does not link a different old root
          const other = Buffer.from(a.cp.root);
          other[0] = (other[0] ?? 0) ^ 1;
          expect(consistencyVerifies(a.cp.size, b.cp.size, b64(r.body.hashes), other, b.cp.root)).toBe(false);
        }
      }
    }
    // every size pair, not only the published ones
    for (const [from, to] of [
      [1, 2],
      [3, 7],
      [256, 1000],
      [255, 257],
      [513, 1100],
    ] as const) {
      const r = await api<{ hashes: string[] }>(t.url, `/log/proof/consistency?from=${from}&to=${to}`);
      expect(r.status).toBe(200);
      const leaves = await leafHashes();
      expect(
        consistencyVerifies(
          from,
          to,
          b64(r.body.hashes),
          mth(leaves.slice(0, from)),
          mth(leaves.slice(0, to)),
        ),
      ).toBe(true);
    }
  });

  /** Every entry's leaf hash, read as a tile client would: entry bundles, checked against level-0 tiles. */
  async function leafHashes(): Promise<Buffer[]> {
    const { cp } = await checkpoint();
    const leaves: Buffer[] = [];
    for (let n = 0; n * 256 < cp.size; n++) {
      const width = Math.min(256, cp.size - n * 256);
      const suffix = width < 256 ? `.p/${width}` : '';
      const path = String(n).padStart(3, '0') + suffix;
      const bundle = Buffer.from(await (await fetch(`${t.url}/log/tile/entries/${path}`)).arrayBuffer());
      const tile = Buffer.from(await (await fetch(`${t.url}/log/tile/0/${path}`)).arrayBuffer());
      expect(tile.length).toBe(32 * width);
      let at = 0;
      for (let i = 0; i < width; i++) {
        const length = bundle.readUInt16BE(at);
        const leaf = hashLeaf(bundle.subarray(at + 2, at + 2 + length));
        expect(leaf.equals(tile.subarray(32 * i, 32 * i + 32))).toBe(true);
        leaves.push(leaf);
        at += 2 + length;
      }
      expect(at).toBe(bundle.length);
    }
    return leaves;
  }

  it('serves the log as C2SP tlog tiles from which a client recomputes the checkpoint root', async () => {
    const { cp } = await checkpoint();
    const leaves = await leafHashes();
    expect(leaves.length).toBe(cp.size);
    expect(mth(leaves).equals(cp.root)).toBe(true);
    // level 1 holds the roots of each complete 256-leaf subtree
    const complete = Math.floor(cp.size / 256);
    const level1 = Buffer.from(await (await fetch(`${t.url}/log/tile/1/000.p/${complete}`)).arrayBuffer());
    expect(level1.length).toBe(32 * complete);
    for (let i = 0; i < complete; i++) {
      expect(level1.subarray(32 * i, 32 * i + 32).equals(mth(leaves.slice(256 * i, 256 * i + 256)))).toBe(
        true,
      );
    }
    // full tiles are immutable; partial ones and tiles beyond the log are refused cleanly
    const full = await fetch(`${t.url}/log/tile/0/000`);
    expect(full.headers.get('cache-control')).toContain('immutable');
    for (const bad of [
      '0/004',
      '0/999.p/3',
      '1/000',
      '9/000',
      '0/0',
      '0/x000/001',
      '0/000.p/256',
      'entries/000.p/0',
    ]) {
      const r = await api(t.url, `/log/tile/${bad}`);
      expect(r.status, bad).toBe(404);
      expect(r.body.code).toBe('LOG_TILE_NOT_FOUND');
    }
  });

  it('refuses bad proof requests with a clear error', async () => {
    const { cp } = await checkpoint();
    for (const q of ['from=5&to=3', `from=0&to=${cp.size + 1}`, 'from=x', 'from=-1', 'from=01']) {
      const r = await api(t.url, `/log/proof/consistency?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.code).toBe('INVALID_REQUEST');
      expect(String(r.body.error)).toMatch(/from|to/);
    }
    const unknown = await api(t.url, '/api/v1/certificates/00000000-0000-4000-8000-000000000000/inclusion');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CERTIFICATE_NOT_FOUND');
    const malformed = await api(t.url, '/api/v1/certificates/nope/inclusion');
    expect(malformed.body.code).toBe('CERTIFICATE_NOT_FOUND');
  });

  it("shows the certificate's place in the log on its page, with a link to the proof", async () => {
    const cert = issued[5] as Issued;
    const page = await fetch(`${t.url}/cert/${cert.cert_id}`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    const proof = await api<Proof>(t.url, `/api/v1/certificates/${cert.cert_id}/inclusion`);
    expect(html).toContain(
      `Logged at index ${proof.body.leaf_index}, included in checkpoint of size ${proof.body.tree_size}`,
    );
    expect(html).toContain(`href="/api/v1/certificates/${cert.cert_id}/inclusion"`);
  });
});
