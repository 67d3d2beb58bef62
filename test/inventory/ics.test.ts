import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import ICAL from 'ical.js';
import { decodeJwt } from 'jose';
import { describe, expect, it, beforeAll } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore } from '../../src/engine.js';
import { escapeText, foldLine } from '../../src/inventory/ics.js';
import { remindersCalendar, reminderUid, runInventory } from '../../src/inventory/index.js';
import { runCli } from '../support/cli.js';
import { testClient } from '../support/issuer-server.js';
import { trustArgs, trustOf, useRegistry } from './fixtures.js';

/**
 * `inventory --format ics` from a real inventory (file stores certified against real test
 * issuers), read back with ical.js, a real iCalendar parser.
 */
const registry = useRegistry('passgeni-ics-');
const trusted = (): string[] => trustArgs(registry.main, registry.shortLived);

/** Commas, semicolons, backslashes, a literal "\n", and multi-byte characters past 75 octets. */
const LONG_LABEL = 'prod, eu-west; db\\admin\\n (rotation; owner: ops, sre) — базаданных 数据库 ✓ 🔑 end';
let multiUrl = '';

beforeAll(async () => {
  // One certificate stored in two places: the calendar must hold it once, naming both stores.
  const report = await certifyAndStore(
    {
      standard: 'PCI-DSS',
      kind: 'user',
      stores: ['file://multi.env#A', 'file://multi.env#B'],
      label: LONG_LABEL,
      exclude: '`',
    },
    { issuer: testClient(registry.main), openStore: (uri) => openStore(uri, { baseDir: registry.dir }) },
  );
  multiUrl = report.cert_url;
}, 60_000);

async function inventoryIcs(out: string): Promise<string> {
  const run = await runCli(['inventory', '--store-prefix', 'file://.', '--out', out, ...trusted()], {
    cwd: registry.dir,
  });
  // 1: the registry holds a revoked, a missing and an expiring certificate on purpose
  expect(run.code, run.stderr).toBe(1);
  return readFileSync(join(registry.dir, out), 'utf8');
}

async function claimsOf(certUrl: string): Promise<{ exp: number; rotate_by?: string; jti: string }> {
  const response = await fetch(`${certUrl}/jwt`);
  expect(response.status).toBe(200);
  return decodeJwt(await response.text()) as { exp: number; rotate_by?: string; jti: string };
}

function events(text: string): ICAL.Event[] {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
}

describe('inventory --format ics', () => {
  it('one event at each certificate expiry and rotate_by, with alarms 30 and 7 days before', async () => {
    const text = await inventoryIcs('reminders.ics');
    const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
    expect(calendar.name).toBe('vcalendar');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//PassGeni//Certificate reminders//EN');

    // Reminded: VALID, BOUND, TAMPERED (valid unless --check-binding), EVIL, SHORT and the
    // certificate stored twice. Not: REVOKED, MISSING, UNKNOWN_ID (never issued).
    const certified = {
      VALID: registry.urls.VALID,
      BOUND: registry.urls.BOUND,
      TAMPERED: registry.urls.TAMPERED,
      EVIL: registry.urls.EVIL,
      SHORT: registry.urls.SHORT,
      MULTI: multiUrl,
    } as Record<string, string>;
    const expected: Array<{ uid: string; at: number }> = [];
    for (const url of Object.values(certified)) {
      const claims = await claimsOf(url);
      expected.push({ uid: reminderUid(claims.jti, 'expiry'), at: claims.exp * 1000 });
      if (claims.rotate_by) {
        // iCalendar times have whole seconds: the reminder falls on the second, not after it
        expected.push({
          uid: reminderUid(claims.jti, 'rotate-by'),
          at: Math.floor(Date.parse(claims.rotate_by) / 1000) * 1000,
        });
      }
    }
    // PCI-DSS asks for rotation every 90 days (user passwords, 8.3.9), so BOUND and MULTI have a rotate_by; the others none.
    expect(expected.length).toBe(6 + 2);

    const found = events(text);
    expect(found.map((e) => ({ uid: e.uid, at: e.startDate.toJSDate().getTime() })).sort(byUid)).toEqual(
      expected.sort(byUid),
    );
    for (const event of found) {
      expect(event.startDate.zone.tzid).toBe('UTC');
      const alarms = event.component.getAllSubcomponents('valarm');
      expect(alarms.map((a) => a.getFirstPropertyValue('action'))).toEqual(['DISPLAY', 'DISPLAY']);
      expect(alarms.map((a) => (a.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds())).toEqual([
        -30 * 86_400,
        -7 * 86_400,
      ]);
      expect(alarms.every((a) => String(a.getFirstPropertyValue('description')).length > 0)).toBe(true);
      expect(event.component.getFirstPropertyValue('dtstamp')).toBeTruthy();
    }
    const revokedId = (await claimsOf(registry.urls.REVOKED ?? '')).jti;
    expect(text).not.toContain(revokedId);
    expect(text).not.toContain('UNKNOWN_ID');

    // The certificate stored twice is one event naming both stores and its URL, never a credential.
    const multi = found.find((e) =>
      e.uid.startsWith((new URL(multiUrl).pathname.split('/').pop() ?? '') + '-expiry'),
    );
    expect(multi?.summary).toBe(`PassGeni certificate expires: ${LONG_LABEL}`);
    expect(multi?.description).toContain(`Label: ${LONG_LABEL}`);
    expect(multi?.description).toContain('Stored in: file://multi.env#A\nStored in: file://multi.env#B');
    expect(multi?.description).toContain(`Certificate: ${multiUrl}`);
    expect(multi?.component.getFirstPropertyValue('url')).toBe(multiUrl);
    const stored = readFileSync(join(registry.dir, 'multi.env'), 'utf8');
    for (const line of stored.split('\n').filter((l) => l.startsWith('A=') || l.startsWith('B='))) {
      expect(text).not.toContain(line.slice(2));
    }
  });

  it('is valid RFC 5545 text: CRLF, lines of at most 75 octets, escaped TEXT', async () => {
    const text = await inventoryIcs('format.ics');
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const physical = text.split('\r\n').slice(0, -1);
    for (const line of physical) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    // the long label is folded, and unfolds to its escaped form
    const unfolded = text.replace(/\r\n /g, '');
    expect(physical.length).toBeGreaterThan(unfolded.split('\r\n').length);
    expect(unfolded).toContain(
      'SUMMARY:PassGeni certificate expires: prod\\, eu-west\\; db\\\\admin\\\\n (rotation\\; owner: ops\\, sre) — базаданных 数据库 ✓ 🔑 end\r\n',
    );
    // no fold splits a multi-byte character
    expect(text).not.toContain('\uFFFD');
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
  });

  it('UIDs are stable across runs, so a re-import updates the events instead of duplicating them', async () => {
    const first = events(await inventoryIcs('run1.ics')).map((e) => e.uid);
    const second = events(await inventoryIcs('run2.ics')).map((e) => e.uid);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('the .ics extension of --out chooses the format; --format ics writes to stdout', async () => {
    const run = await runCli(['inventory', '-p', 'file://evil.json', '--format', 'ics', ...trusted()], {
      cwd: registry.dir,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(events(run.stdout)).toHaveLength(1);
  });
});

describe('ics from runInventory', () => {
  it('keeps an overdue certificate (past rotate_by, months left) and leaves revoked and invalid ones out', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const totals = await runInventory({
      prefixes: ['file://app.env'],
      storeOptions: { baseDir: registry.dir },
      lookup: { trust: trustOf([registry.main, registry.shortLived]) },
      format: 'ics',
      out,
      now: () => Date.now() + 91 * 86_400_000,
    });
    expect(totals.overdue).toBe(1);
    const bound = (await claimsOf(registry.urls.BOUND ?? '')).jti;
    const revokedId = (await claimsOf(registry.urls.REVOKED ?? '')).jti;
    const uids = events(text).map((e) => e.uid);
    expect(uids).toContain(reminderUid(bound, 'expiry'));
    expect(uids).toContain(reminderUid(bound, 'rotate-by'));
    expect(uids.some((u) => u.startsWith(revokedId))).toBe(false);
    // VALID, BOUND (+ rotate_by), TAMPERED: REVOKED, MISSING and UNKNOWN_ID have no event
    expect(uids).toHaveLength(4);
  });
});

describe('remindersCalendar (for other commands, e.g. certificates list)', () => {
  it('writes events for rows with a date and skips rows without one', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    const text = remindersCalendar(
      [
        {
          id: 'c1',
          certUrl: 'https://certs.example.com/cert/c1',
          expiresAt: '2027-06-01T09:30:00.000Z',
          rotateBy: '2027-03-01T09:30:00.000Z',
          label: 'line one\nline two',
        },
        { id: 'c2', certUrl: 'https://certs.example.com/cert/c2', expiresAt: 'not a date' },
      ],
      now,
    );
    const found = events(text);
    expect(found.map((e) => [e.uid, e.startDate.toJSDate().toISOString()])).toEqual([
      ['c1-expiry@passgeni', '2027-06-01T09:30:00.000Z'],
      ['c1-rotate-by@passgeni', '2027-03-01T09:30:00.000Z'],
    ]);
    expect(found[0]?.summary).toBe('PassGeni certificate expires: line one\nline two');
    expect(text).toContain('DTSTAMP:20270101T000000Z\r\n');
    expect(text).toContain('DTSTART:20270601T093000Z\r\n');
  });

  it('escapes TEXT and folds by octets', () => {
    expect(escapeText('a\\b;c,d\r\ne\nf\rg\u0007h')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng h');
    const folded = foldLine(`DESCRIPTION:${'é'.repeat(100)}`);
    const parts = folded.split('\r\n');
    expect(parts.every((p) => Buffer.byteLength(p) <= 75)).toBe(true);
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(`DESCRIPTION:${'é'.repeat(100)}`);
  });
});

function byUid(a: { uid: string }, b: { uid: string }): number {
  return a.uid.localeCompare(b.uid);
}
