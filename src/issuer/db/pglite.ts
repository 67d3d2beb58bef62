import { ensureDataDir } from '../data-dir.js';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { lockDataDir } from './lock.js';
import type { DataDirLock } from './lock.js';
import type { Database, Queryable } from './types.js';

/**
 * PGlite: PostgreSQL compiled to WebAssembly, in-process, files in `<dataDir>/db`. No server to
 * install, which makes it the default for `passgeni serve` and the CLI's local issuer. It has one
 * connection, so statements run one after another; transactions are exclusive.
 */
export async function openPglite(options: { dataDir?: string; memory?: boolean }): Promise<Database> {
  // imported here so PostgreSQL deployments and HTTP-only CLI runs never load the WASM engine
  const { PGlite: PGliteClass } = await import('@electric-sql/pglite');
  const assets = await bundledAssets();
  let lock: DataDirLock | undefined;
  let db: PGlite;
  if (options.memory === true || options.dataDir === undefined) {
    db = await PGliteClass.create(assets);
  } else {
    ensureDataDir(options.dataDir);
    lock = lockDataDir(options.dataDir);
    try {
      db = await PGliteClass.create({ ...assets, dataDir: join(options.dataDir, 'db') });
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  return new PgliteDatabase(db, lock);
}

const inflate = promisify(gunzip);

/**
 * The CLI bundle ships PGlite's WebAssembly and file-system image gzipped beside its chunks
 * (scripts/build.mjs): 10 MB less to download and install, about 0.1 s to inflate at start.
 * Run from source, there are none here and PGlite loads its own files from node_modules.
 */
async function bundledAssets(): Promise<PGliteOptions> {
  const at = (name: string) => new URL(`./${name}.gz`, import.meta.url);
  if (!existsSync(fileURLToPath(at('pglite.wasm')))) return {};
  const [pglite, initdb, data] = await Promise.all(
    ['pglite.wasm', 'initdb.wasm', 'pglite.data'].map(async (name) => inflate(await readFile(at(name)))),
  );
  return {
    pgliteWasmModule: await compileWasm(pglite!),
    initdbWasmModule: await compileWasm(initdb!),
    fsBundle: new Blob([data!]),
  };
}

type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;

/** The global WebAssembly (the project's TypeScript libs declare its types, not the value). */
function compileWasm(bytes: Uint8Array): Promise<WasmModule> {
  const wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<WasmModule> } })
    .WebAssembly;
  return wasm.compile(bytes);
}

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  private closed = false;

  constructor(
    private readonly db: PGlite,
    private readonly lock: DataDirLock | undefined,
  ) {}

  async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.db.query<R>(text, params as unknown[]);
    return result.rows;
  }

  withSchemaLock<T>(fn: (db: Queryable) => Promise<T>): Promise<T> {
    // the data-dir lock already keeps every other process out
    return fn(this);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
