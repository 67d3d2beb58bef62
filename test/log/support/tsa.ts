import { execFileSync, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real RFC 3161 time-stamping authority for tests: a CA and a TSA certificate (extendedKeyUsage
 * critical timeStamping) made with `openssl` in a temp dir, and `openssl ts -reply` answering
 * application/timestamp-query POSTs behind a tiny HTTP server.
 */
export interface LocalTsa {
  url: string;
  dir: string;
  /** The TSA's certificate (PEM), to pin with --tsa-cert. */
  certFile: string;
  caFile: string;
  /** Requests answered so far. */
  requests: number;
  /** While true, the server answers 503 (a TSA that is down). */
  down: boolean;
  /** While true, requests are held unanswered (a hung TSA); setting it false answers them. */
  hold: boolean;
  /** Requests held unanswered right now. */
  readonly held: number;
  /** Changes each query before openssl answers it (a TSA that answers another request). */
  rewriteQuery: ((query: Buffer) => Buffer) | undefined;
  close(): Promise<void>;
}

function makeAuthority(dir: string, name: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(
    join(dir, `${name}-ext.cnf`),
    [
      '[ca_ext]',
      'basicConstraints=critical,CA:true',
      'keyUsage=critical,keyCertSign,cRLSign',
      '[tsa_ext]',
      'basicConstraints=critical,CA:false',
      'keyUsage=critical,digitalSignature,nonRepudiation',
      'extendedKeyUsage=critical,timeStamping',
      'subjectKeyIdentifier=hash',
      '',
    ].join('\n'),
  );
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}-ca.key`);
  openssl(
    'req',
    '-new',
    '-x509',
    '-key',
    `${name}-ca.key`,
    '-subj',
    `/CN=${name} test CA`,
    '-days',
    '30',
    '-out',
    `${name}-ca.pem`,
    '-config',
    `${name}-ext.cnf`,
    '-extensions',
    'ca_ext',
  );
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}-tsa.key`);
  openssl(
    'req',
    '-new',
    '-key',
    `${name}-tsa.key`,
    '-subj',
    `/CN=${name} test TSA`,
    '-out',
    `${name}-tsa.csr`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}-tsa.csr`,
    '-CA',
    `${name}-ca.pem`,
    '-CAkey',
    `${name}-ca.key`,
    '-CAcreateserial',
    '-days',
    '30',
    '-out',
    `${name}-tsa.pem`,
    '-extfile',
    `${name}-ext.cnf`,
    '-extensions',
    'tsa_ext',
  );
  writeFileSync(join(dir, `${name}-serial`), '01\n');
  writeFileSync(
    join(dir, `${name}-tsa.cnf`),
    [
      '[tsa]',
      'default_tsa = tsa_config',
      '[tsa_config]',
      `dir = ${dir}`,
      `serial = $dir/${name}-serial`,
      'crypto_device = builtin',
      `signer_cert = $dir/${name}-tsa.pem`,
      `certs = $dir/${name}-ca.pem`,
      `signer_key = $dir/${name}-tsa.key`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
}

/** Starts a TSA; `name` keeps two TSAs in one dir apart. */
export async function startLocalTsa(
  name = 'tsa',
  dir = mkdtempSync(join(tmpdir(), 'passgeni-tsa-')),
): Promise<LocalTsa> {
  makeAuthority(dir, name);
  let counter = 0;
  const state: { requests: number; down: boolean; rewriteQuery: ((q: Buffer) => Buffer) | undefined } = {
    requests: 0,
    down: false,
    rewriteQuery: undefined,
  };
  let hold = false;
  let held: (() => void)[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', function answer() {
      if (hold) {
        held.push(answer);
        return;
      }
      if (state.down) {
        response.writeHead(503).end('down');
        return;
      }
      if (request.method !== 'POST' || request.headers['content-type'] !== 'application/timestamp-query') {
        response.writeHead(415).end();
        return;
      }
      const n = ++counter;
      const query = join(dir, `${name}-q${n}.tsq`);
      const reply = join(dir, `${name}-r${n}.tsr`);
      const body = Buffer.concat(chunks);
      writeFileSync(query, state.rewriteQuery ? state.rewriteQuery(body) : body);
      run('openssl', [
        'ts',
        '-reply',
        '-config',
        join(dir, `${name}-tsa.cnf`),
        '-queryfile',
        query,
        '-out',
        reply,
      ])
        .then(() => {
          state.requests++;
          response.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(reply));
        })
        .catch((error: unknown) => response.writeHead(500).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    dir,
    certFile: join(dir, `${name}-tsa.pem`),
    caFile: join(dir, `${name}-ca.pem`),
    get requests() {
      return state.requests;
    },
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    get hold() {
      return hold;
    },
    set hold(value: boolean) {
      hold = value;
      if (value) return;
      const waiting = held;
      held = [];
      for (const answer of waiting) answer();
    },
    get held() {
      return held.length;
    },
    get rewriteQuery() {
      return state.rewriteQuery;
    },
    set rewriteQuery(value: ((query: Buffer) => Buffer) | undefined) {
      state.rewriteQuery = value;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  } as LocalTsa;
}
