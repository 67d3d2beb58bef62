import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { chmod, link, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import { openStore, openStoreLister } from '../../adapters/index.js';
import { BACKUP_SUFFIX, LOCK_SUFFIX, SIDECAR_SUFFIX } from '../../adapters/file/index.js';
import type { SecretStore } from '../../adapters/store.js';
import { CERT, expectNoSecrets, storeError, writeFails } from './helpers.js';

const CREDENTIAL = `N3w'Pa$$ #w0rd\\"x`;
const WRITE = { credential: CREDENTIAL, ...CERT };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'passgeni-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function open(uri: string): Promise<SecretStore> {
  return openStore(uri, { baseDir: dir });
}

async function mode(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.tmp') || n.endsWith(LOCK_SUFFIX));
}

const ENV_FILE = [
  '# app settings',
  'DB_HOST=db.internal  # primary',
  'DB_PASSWORD="old password"',
  "export API_KEY='k-123'",
  '',
].join('\n');

describe('file store (dotenv)', () => {
  it('asks the generator to leave out ` and \\, so no two generated values can collide in one file', async () => {
    const store = await open('file://.env#A');
    expect([...(store.unsupportedCharacters ?? '')].sort()).toEqual(['\\', '`']);
    expect((await open('file://secrets.json#A')).unsupportedCharacters ?? '').toBe('');
    // Why: a value ending in \ leaves its closing quote looking escaped to dotenv's parser; a
    // later value holding the same quote then changes how the first one reads, and the write is
    // refused (found by CI: ~1 in 50,000 pairs of random 20-character values).
    await store.write({ ...WRITE, credential: '>t~4jf(8$Z@RWj@t<Mi\\' });
    await writeFails(
      open('file://.env#B'),
      { ...WRITE, credential: "p2Rpk(wz2'#k@;]vu*ZB" },
      'STORE_INVALID_VALUE',
    );
  });

  it('creates a new file with mode 0600, a sidecar record, and reads both back', async () => {
    const store = await open('file://.env#DB_PASSWORD');
    const result = await store.write(WRITE);
    expect(result).toEqual({ store: 'file://.env#DB_PASSWORD' });
    const file = path.join(dir, '.env');
    expect(await mode(file)).toBe(0o600);
    expect(dotenv.parse(await readFile(file, 'utf8'))).toEqual({ DB_PASSWORD: CREDENTIAL });
    expect(await mode(file + SIDECAR_SUFFIX)).toBe(0o600);
    const sidecar = JSON.parse(await readFile(file + SIDECAR_SUFFIX, 'utf8'));
    expect(sidecar.DB_PASSWORD).toMatchObject({ cert_url: CERT.certUrl, cert_id: CERT.certId });
    expect(Date.parse(sidecar.DB_PASSWORD.updated_at)).not.toBeNaN();
    expect(existsSync(file + BACKUP_SUFFIX)).toBe(false);
    expect(await store.readCredential()).toBe(CREDENTIAL);
    expect(await store.readCertificateUrl()).toBe(CERT.certUrl);
    expect(await leftovers()).toEqual([]);
  });

  it('changes only the one value, keeps comments and other keys byte for byte, and backs up the previous file', async () => {
    const file = path.join(dir, '.env');
    await writeFile(file, ENV_FILE, { mode: 0o644 });
    await writeFile(
      file + SIDECAR_SUFFIX,
      JSON.stringify({ API_KEY: { cert_url: 'https://c/1', cert_id: '1', updated_at: 'x' } }),
    );
    const store = await open('file://.env#DB_PASSWORD');
    await store.write(WRITE);

    const after = await readFile(file, 'utf8');
    const lines = after.split('\n');
    const before = ENV_FILE.split('\n');
    expect(lines.length).toBe(before.length);
    for (const [i, line] of before.entries())
      if (!line.startsWith('DB_PASSWORD=')) expect(lines[i]).toBe(line);
    expect(dotenv.parse(after)).toEqual({ ...dotenv.parse(ENV_FILE), DB_PASSWORD: CREDENTIAL });
    expect(await mode(file)).toBe(0o600);

    expect(await readFile(file + BACKUP_SUFFIX, 'utf8')).toBe(ENV_FILE);
    expect(await mode(file + BACKUP_SUFFIX)).toBe(0o600);
    const sidecar = JSON.parse(await readFile(file + SIDECAR_SUFFIX, 'utf8'));
    expect(Object.keys(sidecar).sort()).toEqual(['API_KEY', 'DB_PASSWORD']);
    expect(sidecar.API_KEY.cert_url).toBe('https://c/1');
  });

  it('replaces the file atomically: readers only ever see a complete old or new file', async () => {
    const file = path.join(dir, '.env');
    const filler = Array.from({ length: 2000 }, (_, i) => `FILLER_${i}=value-${i}`).join('\n');
    await writeFile(file, `${filler}\nDB_PASSWORD=v0\n`);
    const inodeBefore = (await stat(file)).ino;
    // A hard link elsewhere keeps the original inode allocated, so the filesystem cannot hand its
    // number to a later file and the inode check below stays meaningful.
    const pin = await mkdtemp(path.join(tmpdir(), 'passgeni-pin-'));
    await link(file, path.join(pin, 'original'));
    const store = await open('file://.env#DB_PASSWORD');
    const seen = new Set<string>();
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const parsed = dotenv.parse(await readFile(file, 'utf8'));
        expect(Object.keys(parsed).length).toBe(2001);
        seen.add(parsed.DB_PASSWORD ?? 'missing');
      }
    })();
    for (let i = 1; i <= 15; i++) await store.write({ credential: `v${i}`, ...CERT });
    reading = false;
    await reader;
    for (const value of seen) expect(value).toMatch(/^v\d+$/);
    expect(await store.readCredential()).toBe('v15');
    expect((await stat(file)).ino).not.toBe(inodeBefore);
    expect(await leftovers()).toEqual([]);
    await rm(pin, { recursive: true, force: true });
  });

  it('refuses a value dotenv cannot hold before touching anything, without echoing it', async () => {
    const file = path.join(dir, '.env');
    await writeFile(file, ENV_FILE);
    const store = await open('file://.env#DB_PASSWORD');
    const secret = `a'b"c\`d-unwritable`;
    const error = await storeError(store.write({ credential: secret, ...CERT }));
    expect(error.code).toBe('STORE_INVALID_VALUE');
    expect(error.credentialWritten).toBe(false);
    expect(error.message).toMatch(/Exclude ' or `/);
    expectNoSecrets(error, [secret]);
    expect(await readFile(file, 'utf8')).toBe(ENV_FILE);
    expect(existsSync(file + BACKUP_SUFFIX)).toBe(false);
    expect(existsSync(file + SIDECAR_SUFFIX)).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it('sets exactly 0600 whatever the umask', async () => {
    const previous = process.umask(0o277);
    try {
      await (await open('file://.env#A')).write({ credential: 'a', ...CERT });
    } finally {
      process.umask(previous);
    }
    expect(await mode(path.join(dir, '.env'))).toBe(0o600);
    expect(await mode(path.join(dir, '.env' + SIDECAR_SUFFIX))).toBe(0o600);
  });

  it.each([
    ['the file', ''],
    ['its backup', BACKUP_SUFFIX],
    ['its sidecar', SIDECAR_SUFFIX],
  ])('refuses to write when %s is a symlink, touching nothing', async (_what, suffix) => {
    const outside = await mkdtemp(path.join(tmpdir(), 'passgeni-outside-'));
    try {
      const victim = path.join(outside, 'victim');
      await writeFile(victim, 'A=1\n', { mode: 0o644 });
      await chmod(victim, 0o644);
      const file = path.join(dir, '.env');
      if (suffix !== '') await writeFile(file, 'A=1\n', { mode: 0o600 });
      await symlink(victim, file + suffix);
      const store = await open('file://.env#B');
      const error = await storeError(store.write({ credential: CREDENTIAL, ...CERT }));
      expect(error.code).toBe('STORE_SYMLINK_REFUSED');
      expect(error.credentialWritten).toBe(false);
      expect(error.message).toContain('symbolic link');
      expect(error.message).toContain('Nothing was written');
      expectNoSecrets(error, [CREDENTIAL]);
      expect(await readFile(victim, 'utf8')).toBe('A=1\n');
      expect(await mode(victim)).toBe(0o644);
      expect(await readdir(outside)).toEqual(['victim']);
      if (suffix !== '') expect(await readFile(file, 'utf8')).toBe('A=1\n');
      expect((await readdir(dir)).sort()).toEqual(['.env' + suffix, ...(suffix ? ['.env'] : [])].sort());
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('still reads a symlinked file (verify --credential-from)', async () => {
    await writeFile(path.join(dir, 'real.env'), 'A=1\n');
    await symlink('real.env', path.join(dir, '.env'));
    expect(await (await open('file://.env#A')).readCredential()).toBe('1');
  });

  it.each([0o400, 0o600])('keeps a mode at least as strict as 0600 (%o)', async (strict) => {
    const file = path.join(dir, '.env');
    await writeFile(file, 'A=1\n');
    await chmod(file, strict);
    const result = await (await open('file://.env#B')).write({ credential: 'b', ...CERT });
    expect(result.notice).toBeUndefined();
    expect(await mode(file)).toBe(strict);
  });

  it('tightens a looser mode to 0600 and says so', async () => {
    const file = path.join(dir, '.env');
    await writeFile(file, 'A=1\n');
    await chmod(file, 0o644);
    const result = await (await open('file://.env#B')).write({ credential: 'b', ...CERT });
    expect(await mode(file)).toBe(0o600);
    expect(result.notice).toMatch(/was mode 0644 .*it is now 0600/);
  });
});

describe('file store (JSON)', () => {
  const JSON_FILE =
    '{\n  "username": "admin",\n  "password": "old",\n  "port": 5432.0,\n  "big": 12345678901234567890,\n  "note": "caf\\u00e9"\n}\n';

  it('changes only the key, keeping the other members byte for byte', async () => {
    const file = path.join(dir, 'db.json');
    await writeFile(file, JSON_FILE);
    const store = await open('file://db.json#password');
    await store.write(WRITE);
    const after = await readFile(file, 'utf8');
    expect(after).toBe(JSON_FILE.replace('"old"', () => JSON.stringify(CREDENTIAL)));
    expect(await store.readCredential()).toBe(CREDENTIAL);
    expect(await mode(file)).toBe(0o600);
  });

  it('adds a missing key and creates a missing file', async () => {
    await writeFile(path.join(dir, 'db.json'), JSON_FILE);
    await (await open('file://db.json#api_key')).write({ credential: 'k', ...CERT });
    expect(await readFile(path.join(dir, 'db.json'), 'utf8')).toBe(
      JSON_FILE.replace('"caf\\u00e9"\n', '"caf\\u00e9",\n  "api_key": "k"\n'),
    );
    await (await open('file://new.json#token')).write({ credential: 't', ...CERT });
    expect(JSON.parse(await readFile(path.join(dir, 'new.json'), 'utf8'))).toEqual({ token: 't' });
  });

  it('refuses invalid JSON and a non-object, writing nothing', async () => {
    for (const content of ['{"a": 1,', '["a"]']) {
      const file = path.join(dir, 'bad.json');
      await writeFile(file, content);
      const error = await writeFails(open('file://bad.json#a'), WRITE, 'STORE_INVALID_VALUE');
      expectNoSecrets(error, [CREDENTIAL]);
      expect(await readFile(file, 'utf8')).toBe(content);
      expect(existsSync(file + BACKUP_SUFFIX)).toBe(false);
    }
    expect(await leftovers()).toEqual([]);
  });
});

describe('file store concurrency and failures', () => {
  it('detects a concurrent passgeni writer through its lock and leaves the file alone', async () => {
    const file = path.join(dir, '.env');
    await writeFile(file, ENV_FILE);
    // A live process (this one) holds the lock.
    await writeFile(
      file + LOCK_SUFFIX,
      JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname() }),
    );
    const error = await writeFails(open('file://.env#DB_PASSWORD'), WRITE, 'STORE_CONFLICT');
    expect(error.message).toContain(LOCK_SUFFIX);
    expectNoSecrets(error, [CREDENTIAL]);
    expect(await readFile(file, 'utf8')).toBe(ENV_FILE);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const file = path.join(dir, '.env');
    await writeFile(file, ENV_FILE);
    const deadPid = Number(
      execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString(),
    );
    await writeFile(
      file + LOCK_SUFFIX,
      JSON.stringify({ pid: deadPid, host: (await import('node:os')).hostname() }),
    );
    await (await open('file://.env#DB_PASSWORD')).write(WRITE);
    expect(dotenv.parse(await readFile(file, 'utf8')).DB_PASSWORD).toBe(CREDENTIAL);
    expect(existsSync(file + LOCK_SUFFIX)).toBe(false);
  });

  it('detects another tool changing the file between read and replace', async () => {
    const file = path.join(dir, '.env');
    await writeFile(file, ENV_FILE);
    const store = await open('file://.env#DB_PASSWORD');
    // Edit the file the moment the backup is being prepared, i.e. after our read.
    let watcher: FSWatcher | undefined;
    const edited = new Promise<void>((resolve) => {
      watcher = watch(dir, (_event, name) => {
        if (name?.startsWith(`.${'.env' + BACKUP_SUFFIX}.`) && name.endsWith('.tmp')) {
          watcher?.close();
          execFileSync('sh', ['-c', `printf 'EDITED=1\\n' > "${file}"`]);
          resolve();
        }
      });
    });
    const error = await storeError(store.write(WRITE));
    await edited;
    expect(error.code).toBe('STORE_CONFLICT');
    expectNoSecrets(error, [CREDENTIAL]);
    expect(await readFile(file, 'utf8')).toBe('EDITED=1\n');
    expect(existsSync(file + SIDECAR_SUFFIX)).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it('reports STORE_METADATA_FAILED with credentialWritten when only the sidecar fails', async () => {
    const file = path.join(dir, '.env');
    await writeFile(file, ENV_FILE);
    await writeFile(file + SIDECAR_SUFFIX, '{ not json');
    const store = await open('file://.env#DB_PASSWORD');
    const error = await storeError(store.write(WRITE));
    expect(error.code).toBe('STORE_METADATA_FAILED');
    expect(error.credentialWritten).toBe(true);
    expect(error.toJSON()).toMatchObject({ credential_written: true, code: 'STORE_METADATA_FAILED' });
    expectNoSecrets(error, [CREDENTIAL]);
    expect(await store.readCredential()).toBe(CREDENTIAL);
  });

  it('names a missing directory without creating it', async () => {
    await writeFails(open('file://missing/dir/.env#A'), WRITE, 'STORE_NOT_FOUND');
    expect(existsSync(path.join(dir, 'missing'))).toBe(false);
  });

  it('returns undefined for a missing file, key or record', async () => {
    const store = await open('file://.env#NOPE');
    expect(await store.readCredential()).toBeUndefined();
    expect(await store.readCertificateUrl()).toBeUndefined();
    await writeFile(path.join(dir, '.env'), 'A=1\n');
    await chmod(path.join(dir, '.env'), 0o600);
    expect(await store.readCredential()).toBeUndefined();
  });
});

describe('file lister', () => {
  it('lists every key of dotenv files in a directory with its certificate URL', async () => {
    await writeFile(path.join(dir, '.env'), 'A=1\nB=2\n');
    await writeFile(path.join(dir, '.env.example'), 'A=\n');
    await writeFile(path.join(dir, 'db.json'), '{"password":"x","port":1}');
    await writeFile(path.join(dir, 'package.json'), '{"name":"x"}');
    await (await open('file://.env#A')).write({ credential: 'a', ...CERT });
    await (await open('file://db.json#password')).write({ credential: 'p', ...CERT });
    const refs = [];
    for await (const ref of (await openStoreLister('file://.', { baseDir: dir })).list()) refs.push(ref);
    expect(refs).toEqual([
      { uri: 'file://.env#A', certUrl: CERT.certUrl },
      { uri: 'file://.env#B', certUrl: undefined },
      { uri: 'file://db.json#password', certUrl: CERT.certUrl },
    ]);
    const one = [];
    for await (const ref of (await openStoreLister('file://.env', { baseDir: dir })).list()) one.push(ref);
    expect(one.map((r) => r.uri)).toEqual(['file://.env#A', 'file://.env#B']);
  });
});

describe('file pre-flight', () => {
  it('passes for a new file in an existing directory and for a well-formed existing one, changing nothing', async () => {
    await (await open('file://./new.env#K')).preflight();
    await writeFile(path.join(dir, 'app.json'), '{"A": "1"}\n');
    await (await open('file://./app.json#K')).preflight();
    expect((await readdir(dir)).sort()).toEqual(['app.json']);
  });

  it('a missing directory, a planted link, a file the format cannot hold and a spoilt sidecar each fail', async () => {
    const missing = await storeError((await open('file://./nope/x.env#K')).preflight());
    expect(missing.code).toBe('STORE_NOT_FOUND');
    expect(missing.message).toContain(`The directory ${path.join(dir, 'nope')} does not exist`);

    await writeFile(path.join(dir, 'real.env'), 'A=1\n');
    await symlink(path.join(dir, 'real.env'), path.join(dir, 'link.env'));
    expect((await storeError((await open('file://./link.env#K')).preflight())).code).toBe(
      'STORE_SYMLINK_REFUSED',
    );

    await writeFile(path.join(dir, 'list.json'), '[1, 2]\n');
    expect((await storeError((await open('file://./list.json#K')).preflight())).code).toBe(
      'STORE_INVALID_VALUE',
    );

    await writeFile(path.join(dir, 'ok.env'), 'A=1\n');
    await writeFile(path.join(dir, `ok.env${SIDECAR_SUFFIX}`), 'not json');
    expect((await storeError((await open('file://./ok.env#K')).preflight())).code).toBe(
      'STORE_INVALID_VALUE',
    );
    expect(await readFile(path.join(dir, 'real.env'), 'utf8')).toBe('A=1\n');
  });
});
