import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../issuer/support/backends.js';
import type { TestDatabase } from '../issuer/support/backends.js';
import { uniqueTeam } from '../issuer/support/fixtures.js';
import { testServer } from '../issuer/support/server.js';
import type { TestServer } from '../issuer/support/server.js';
import { runCli } from '../support/cli.js';
import { issueOverHttp, revokeOverHttp } from './support/issue.js';
import type { Issued } from './support/issue.js';

/**
 * `passgeni log monitor`: a clean log passes run after run; tampering with the log's tables
 * directly (editing or deleting an entry, truncating, rewriting a root) is caught, with exit 1,
 * the evidence, and the state file left at the last good checkpoint.
 */

interface Scenario {
  t: TestServer;
  db: TestDatabase;
  key: string;
  statePath: string;
  certs: Issued[];
  issue(n: number): Promise<void>;
  monitor(...extra: string[]): ReturnType<typeof runCli>;
}

const open: Scenario[] = [];

async function scenario(initial = 5): Promise<Scenario> {
  const db = await freshDatabase('pglite');
  const t = await testServer(db.db, { logSequenceMs: 0 });
  const key = (await t.issuer.createApiKey({ team: uniqueTeam('monitor') })).key;
  const statePath = join(mkdtempSync(join(tmpdir(), 'passgeni-monitor-')), 'state.json');
  const s: Scenario = {
    t,
    db,
    key,
    statePath,
    certs: [],
    async issue(n) {
      for (let i = 0; i < n; i++) s.certs.push(await issueOverHttp(t.url, key));
      await t.issuer.log.sequence();
    },
    monitor: (...extra) => runCli(['log', 'monitor', '--issuer', t.url, '--state', statePath, ...extra]),
  };
  open.push(s);
  await s.issue(initial);
  const first = await s.monitor();
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toContain(`consistent (first run) to size ${initial}`);
  return s;
}

afterEach(async () => {
  for (const s of open.splice(0)) {
    await s.t.close();
    await s.db.drop();
  }
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('passgeni log monitor', () => {
  it('follows a clean log from run to run, reading only what was appended', async () => {
    const s = await scenario();
    await s.issue(3);
    await revokeOverHttp(s.t.url, s.key, (s.certs[0] as Issued).cert_id, 'compromised');
    await s.t.issuer.log.sequence();
    const second = await s.monitor();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain('consistent from size 5 to size 9');
    expect(second.stdout).toContain('new entries   4 (3 certificates, 1 revocations)');
    const state = JSON.parse(readFileSync(s.statePath, 'utf8')) as { size: number; log_key: string };
    expect(state.size).toBe(9);
    expect(state.log_key).toBe(s.t.issuer.log.verifierKey);
    const idle = await s.monitor('--json');
    expect(idle.code).toBe(0);
    expect(JSON.parse(idle.stdout)).toMatchObject({ ok: true, new_entries: 0, current: { size: 9 } });
  });

  it('catches an edited entry', async () => {
    const s = await scenario();
    await s.issue(3);
    await s.db.db.query(`UPDATE log_entries SET body = body || 'x' WHERE idx = 6`);
    const r = await s.monitor();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('TAMPERING DETECTED');
    expect(r.stdout).toContain('entry 6 does not hash to its leaf');
    expect(r.stdout).toContain('[LOG_ENTRIES_MISMATCH]');
    // the state still holds the last good checkpoint
    expect((JSON.parse(readFileSync(s.statePath, 'utf8')) as { size: number }).size).toBe(5);
  });

  it('catches an edit to an entry it had already checked, when it shares a tile with new ones', async () => {
    const s = await scenario();
    await s.db.db.query(`UPDATE log_entries SET body = body || 'x' WHERE idx = 1`);
    await s.issue(1);
    const r = await s.monitor();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('entry 1 does not hash to its leaf');
  });

  it('catches a deleted entry', async () => {
    const s = await scenario();
    await s.issue(3);
    await s.db.db.query(`DELETE FROM log_entries WHERE idx = 7`);
    const r = await s.monitor();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /does not serve entries 0 to 7 of its signed checkpoint intact.*\[LOG_ENTRIES_MISMATCH\]/,
    );
  });

  it('catches a truncated log (rollback)', async () => {
    const s = await scenario();
    await s.db.db.query(`TRUNCATE log_entries, log_nodes, log_checkpoints`);
    await s.db.db.query(`UPDATE log_state SET size = 0`);
    await s.t.issuer.log.init();
    await s.issue(2);
    const r = await s.monitor();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('The log shrank from 5 entries to 2');
    expect(r.stdout).toContain('[LOG_ROLLBACK]');
    expect(r.stdout).toContain('previous_checkpoint');
  });

  it('catches a rewritten root: at the same size (split view) and after growth (inconsistent history)', async () => {
    const s = await scenario();
    await s.db.db.query(`UPDATE log_checkpoints SET root = decode($1, 'hex') WHERE size = 5`, [
      sha('forged'),
    ]);
    const same = await s.monitor();
    expect(same.code).toBe(1);
    expect(same.stdout).toContain('[LOG_SPLIT_VIEW]');

    await s.db.db.query(
      `UPDATE log_checkpoints SET root = (SELECT hash FROM log_nodes WHERE level = 2 AND idx = 0) WHERE size = 5`,
    );
    await s.issue(3);
    await s.db.db.query(`UPDATE log_checkpoints SET root = decode($1, 'hex') WHERE size = 8`, [
      sha('forged 8'),
    ]);
    const grown = await s.monitor();
    expect(grown.code).toBe(1);
    expect(grown.stdout).toContain('is not an extension of the one of size 5');
    expect(grown.stdout).toContain('[LOG_INCONSISTENT]');
  });

  it('refuses a state file that is not one, and a state for another issuer', async () => {
    const s = await scenario(1);
    const bad = join(mkdtempSync(join(tmpdir(), 'passgeni-monitor-')), 'x.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, '{"nope":1}');
    const r = await runCli(['log', 'monitor', '--issuer', s.t.url, '--state', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LOG_STATE_INVALID');
    const other = await runCli(['log', 'monitor', '--issuer', 'http://127.0.0.1:9', '--state', s.statePath]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('LOG_STATE_OTHER_ISSUER');
  });
});
