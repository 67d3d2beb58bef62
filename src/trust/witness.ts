import { createHash, createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { parseCheckpointText } from '../certificate/transparency/checkpoint.js';
import { verifyConsistency } from '../certificate/transparency/merkle.js';
import { isKeyName, openNote, rawPublicKey } from '../certificate/transparency/note.js';
import type { NoteVerifier } from '../certificate/transparency/note.js';
import { InputError } from '../errors.js';

/**
 * A transparency log witness (C2SP tlog-witness, cosignatures per C2SP tlog-cosignature, Ed25519
 * "cosignature/v1"). It keeps the latest checkpoint it cosigned per log, and cosigns a newer one
 * only when it is signed by the log's key and a consistency proof links it to that one: a log
 * that rolls back, forks or rewrites its history gets no cosignature.
 */

const COSIGNATURE_TYPE = 0x04;
const MAX_PROOF_LINES = 63;
const MAX_BODY_BYTES = 64 * 1024;

interface Seen {
  size: number;
  root: string;
}

export interface WitnessOptions {
  /** The witness's key name (a schema-less URL is conventional). */
  name: string;
  privateKey: KeyObject;
  /** The logs it witnesses, by their verifier keys (the key name is the log's origin). */
  logs: NoteVerifier[];
  /** JSON file of the latest cosigned checkpoint per origin. */
  statePath: string;
  clock?: () => number;
}

export interface WitnessAnswer {
  status: number;
  contentType: string;
  body: string;
}

export function cosignatureKeyId(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(`${name}\n`, 'utf8')
    .update(Buffer.of(COSIGNATURE_TYPE))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export class Witness {
  readonly name: string;
  /** `name+hexkeyid+base64(0x04 ‖ public key)`: what logs and verifiers configure. */
  readonly verifierKey: string;
  private readonly keyId: Buffer;
  private readonly seen: Record<string, Seen>;
  /** add-checkpoint checks and records atomically: one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: WitnessOptions) {
    if (!isKeyName(options.name)) {
      throw new InputError('WITNESS_NAME_INVALID', 'The witness name must contain no spaces or "+".');
    }
    this.name = options.name;
    const raw = rawPublicKey(createPublicKey(options.privateKey));
    this.keyId = cosignatureKeyId(options.name, raw);
    this.verifierKey = `${options.name}+${this.keyId.toString('hex')}+${Buffer.concat([Buffer.of(COSIGNATURE_TYPE), raw]).toString('base64')}`;
    this.seen = existsSync(options.statePath)
      ? (JSON.parse(readFileSync(options.statePath, 'utf8')) as Record<string, Seen>)
      : {};
  }

  /** The latest checkpoint cosigned for `origin`. */
  latest(origin: string): Seen | undefined {
    return this.seen[origin];
  }

  addCheckpoint(body: string): Promise<WitnessAnswer> {
    const run = this.queue.then(() => this.add(body));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private add(body: string): WitnessAnswer {
    const text = (status: number, message: string): WitnessAnswer => ({
      status,
      contentType: 'text/plain; charset=utf-8',
      body: `${message}\n`,
    });
    const cut = body.indexOf('\n\n');
    if (cut < 0) return text(400, 'expected an old size line, proof lines, an empty line and a checkpoint');
    const [oldLine = '', ...proofLines] = body.slice(0, cut).split('\n');
    const note = body.slice(cut + 2);
    const old = /^old (0|[1-9][0-9]{0,15})$/.exec(oldLine);
    if (!old || proofLines.length > MAX_PROOF_LINES)
      return text(400, 'malformed old size or too many proof lines');
    const proof = proofLines.map((l) => Buffer.from(l, 'base64'));
    if (proof.some((p, i) => p.length !== 32 || p.toString('base64') !== proofLines[i])) {
      return text(400, 'a proof line is not a base64 SHA-256 hash');
    }
    const origin = note.slice(0, note.indexOf('\n'));
    const keys = this.options.logs.filter((k) => k.name === origin);
    if (keys.length === 0) return text(404, `unknown log ${origin}`);
    let noteText: string | undefined;
    for (const key of keys) {
      try {
        noteText = openNote(note, key).text;
        break;
      } catch {
        // another of its keys may have signed it
      }
    }
    if (noteText === undefined) return text(403, 'no signature by a trusted key of this log');
    let checkpoint;
    try {
      checkpoint = parseCheckpointText(noteText);
    } catch {
      return text(400, 'malformed checkpoint');
    }
    const oldSize = Number(old[1]);
    if (oldSize > checkpoint.size) return text(400, 'the old size is larger than the checkpoint');
    const seen = this.seen[origin] ?? { size: 0, root: '' };
    if (oldSize !== seen.size)
      return { status: 409, contentType: 'text/x.tlog.size', body: `${seen.size}\n` };
    const root = checkpoint.root.toString('base64');
    if (oldSize === checkpoint.size) {
      if (seen.root !== '' && seen.root !== root) return text(409, 'another root for the same size: a fork');
    } else if (oldSize === 0) {
      if (proof.length > 0) return text(400, 'the proof must be empty from size 0');
    } else if (
      !verifyConsistency(oldSize, checkpoint.size, proof, Buffer.from(seen.root, 'base64'), checkpoint.root)
    ) {
      return text(422, 'the consistency proof does not verify');
    }
    this.seen[origin] = { size: checkpoint.size, root };
    writeFileSync(`${this.options.statePath}.tmp`, `${JSON.stringify(this.seen, null, 2)}\n`);
    renameSync(`${this.options.statePath}.tmp`, this.options.statePath);
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: this.cosign(noteText) };
  }

  /** One cosignature/v1 signature line over the checkpoint text. */
  private cosign(checkpointText: string): string {
    const timestamp = Math.floor((this.options.clock?.() ?? Date.now()) / 1000);
    const message = `cosignature/v1\ntime ${timestamp}\n${checkpointText}`;
    const signature = sign(null, Buffer.from(message, 'utf8'), this.options.privateKey);
    const time = Buffer.alloc(8);
    time.writeBigUInt64BE(BigInt(timestamp));
    return `\u2014 ${this.name} ${Buffer.concat([this.keyId, time, signature]).toString('base64')}\n`;
  }
}

/** The witness over HTTP: `POST <prefix>/add-checkpoint` (C2SP tlog-witness). */
export function witnessServer(witness: Witness): Server {
  return createServer((req, res) => {
    if (req.method !== 'POST' || !(req.url ?? '').endsWith('/add-checkpoint')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' }).end('too large\n');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      witness.addCheckpoint(Buffer.concat(chunks).toString('utf8')).then(
        (answer) => res.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body),
        () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error\n'),
      );
    });
  });
}
