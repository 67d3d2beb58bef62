import type { KeyObject } from 'node:crypto';
import { checkpointText, TILE_HEIGHT, TILE_WIDTH } from '../../certificate/transparency/checkpoint.js';
import {
  consistencyPath,
  inclusionPath,
  nodesRead,
  treeHash,
} from '../../certificate/transparency/merkle.js';
import type { NodeSource } from '../../certificate/transparency/merkle.js';
import { signerFor, signNote, verifierKeyString } from '../../certificate/transparency/note.js';
import type { NoteSigner } from '../../certificate/transparency/note.js';
import { certificateNotFound } from '../certificate-status.js';
import type { Database } from '../db/types.js';
import { IssuerServiceError } from '../errors.js';
import { certificateIdSchema } from '../schemas.js';
import {
  APPEND_BATCH,
  appendQueued,
  ensureFirstCheckpoint,
  entryRange,
  inclusionContext,
  latestCheckpoint,
  nodeRange,
  readNodes,
  sizeAndNodes,
  sourceOf,
} from './store.js';
import type { StoredCheckpoint } from './store.js';
import { Attestations } from './attest.js';
import type { Attestable, Attester } from './attest.js';
import { TimestampRequests } from './tsa.js';
import { cosignatureLines, WitnessRequests } from './witnesses.js';
import type { WitnessTarget } from './witnesses.js';

/** How often the sequencer runs; a certificate is logged within this (plus one batch's work). */
export const SEQUENCE_INTERVAL_MS = 500;

export interface InclusionProof {
  leaf_index: number;
  tree_size: number;
  /** The audit path, base64 (RFC 9162 §2.1.3). */
  hashes: string[];
  /** The signed checkpoint of size tree_size (C2SP tlog-checkpoint, signed note). */
  checkpoint: string;
  /** The certificate's revocation entry, proven against the same checkpoint, when it was revoked. */
  revocation?: { leaf_index: number; hashes: string[] };
  /** The checkpoint's RFC 3161 timestamp, when the issuer has a TSA and it answered (docs/transparency.md). */
  timestamp?: { token: string; gen_time: string };
}

const b64 = (hashes: readonly Uint8Array[]) => hashes.map((h) => Buffer.from(h).toString('base64'));

/**
 * The issuer's transparency log: an append-only RFC 9162 Merkle tree of every issuance and
 * revocation, kept in the issuer database, published as signed checkpoints and tlog tiles.
 */
export class TransparencyLog {
  readonly signer: NoteSigner;
  /** `name+hexkeyid+base64key`, published in the identity document. */
  readonly verifierKey: string;
  /** The run in progress or last finished, and the next one if a caller is already waiting for it. */
  private tail: Promise<number> = Promise.resolve(0);
  private next: Promise<number> | undefined;
  /** The TSA and the witnesses, asked about new checkpoints behind the sequencer. */
  private readonly attestations: Attestations;

  constructor(
    private readonly db: Database,
    /** The checkpoint origin and key name: the issuer id. */
    readonly origin: string,
    key: KeyObject,
    private readonly clock: () => Date,
    private readonly publicUrl: string,
    /** Witnesses asked to cosign each new checkpoint (C2SP tlog-witness). */
    witnesses: readonly WitnessTarget[] = [],
    warn: (message: string) => void = () => undefined,
    /** `--tsa-url`: an RFC 3161 TSA asked to timestamp each new checkpoint. */
    tsaUrl?: string,
  ) {
    this.signer = signerFor(origin, key);
    this.verifierKey = verifierKeyString(this.signer);
    const attesters: Attester[] = witnesses.map(
      (target) =>
        new WitnessRequests(
          db,
          target,
          (size, root) => this.sign(size, root),
          async (from, to) => (await this.consistency(String(from), String(to))).hashes,
        ),
    );
    if (tsaUrl !== undefined) attesters.push(new TimestampRequests(db, tsaUrl, origin));
    this.attestations = new Attestations(attesters, clock, warn);
  }

  /**
   * What the issuance response says about the new certificate's log entry: where its inclusion
   * proof will be, and from when. Derived from the certificate's `iat` (whole seconds, at most
   * one before the issuance) and the sequencer's interval, so a replayed response is identical.
   */
  pendingEntry(certId: string, jwt: string): { inclusion_url: string; proof_available_after: string } {
    let iat = Math.floor(this.clock().getTime() / 1000);
    try {
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        iat?: unknown;
      };
      if (typeof claims.iat === 'number') iat = claims.iat;
    } catch {
      // the issuer's own token always parses; the clock is the fallback
    }
    return {
      inclusion_url: `${this.publicUrl}/api/v1/certificates/${certId}/inclusion`,
      proof_available_after: new Date(iat * 1000 + 1000 + 2 * SEQUENCE_INTERVAL_MS).toISOString(),
    };
  }

  /** Writes the empty tree's checkpoint if the log has none yet. */
  async init(): Promise<void> {
    const root = Buffer.from(treeHash(0, () => Buffer.alloc(0)));
    await ensureFirstCheckpoint(this.db, this.clock(), this.sign(0, root), root);
  }

  private sign(size: number, root: Buffer): string {
    return signNote(checkpointText({ origin: this.origin, size, root }), this.signer);
  }

  /**
   * Appends everything queued when it is called (issuances and revocations) and returns how many
   * entries it appended; then waits until the TSA and the witnesses have answered about the newest
   * checkpoint (or timed out). For callers that want the log settled: tests, and an issuer that is
   * closing. The sequencer's own timer calls `append`, which never waits on the network.
   */
  async sequence(): Promise<number> {
    const appended = await this.append();
    await this.attestations.settled();
    return appended;
  }

  /**
   * Appends everything queued when it is called, batch by batch, and returns how many entries its
   * run appended; the new checkpoint is handed to the attesters, which run on their own. Runs in
   * one process are serial: a call during a run waits for the next one (which reads the queue
   * afresh), and calls waiting together share it. Other replicas may run at the same time: the
   * store's compare-and-set lets one win each batch, and the loser reads again.
   */
  append(): Promise<number> {
    if (this.next) return this.next;
    const run = this.tail
      .catch(() => 0)
      .then(() => {
        this.next = undefined;
        return this.drain();
      });
    this.next = run;
    this.tail = run;
    return run;
  }

  private async drain(): Promise<number> {
    let total = 0;
    let made: Attestable | undefined;
    for (let round = 0; round < 10_000; round++) {
      const { appended, raced, size, root } = await appendQueued(this.db, this.clock(), (s, r) =>
        this.sign(s, r),
      );
      total += appended;
      if (appended > 0) made = { size, root };
      if (!raced && appended < APPEND_BATCH) break;
    }
    // never awaited: a slow TSA or witness must not hold up the next round
    if (this.attestations.active) this.attestations.offer(made);
    return total;
  }

  private async latest(): Promise<StoredCheckpoint> {
    const latest = await latestCheckpoint(this.db);
    if (!latest) {
      throw new IssuerServiceError('LOG_UNAVAILABLE', 503, 'The transparency log has no checkpoint yet.', {
        retryAfter: 1,
      });
    }
    return latest;
  }

  /** The latest checkpoint as a signed note, signed with this issuer's log key, with the witnesses' cosignatures. */
  async checkpoint(): Promise<{ note: string; size: number }> {
    const latest = await this.latest();
    return { note: await this.served(latest), size: latest.size };
  }

  private async served(c: StoredCheckpoint): Promise<string> {
    return this.sign(c.size, c.root) + (await cosignatureLines(this.db, c.size));
  }

  /** Runs `compute` on exactly the stored nodes it reads (one query). */
  private async withNodes<T>(compute: (node: NodeSource) => T): Promise<T> {
    return compute(sourceOf(await readNodes(this.db, nodesRead(compute))));
  }

  /**
   * Where a certificate's issuance entry is, the size of the checkpoint its proof is served against
   * and, when that checkpoint has a trusted timestamp, its TSA time (for its page).
   */
  async position(
    certId: string,
  ): Promise<{ leafIndex: number; treeSize: number; timestampedAt?: Date } | undefined> {
    const { logged, checkpoint } = await inclusionContext(this.db, certId);
    const issuance = logged.find((e) => e.kind === 'issuance');
    if (!issuance || !checkpoint) return undefined;
    return {
      leafIndex: issuance.index,
      treeSize: checkpoint.size,
      ...(checkpoint.timestamp && { timestampedAt: checkpoint.timestamp.genTime }),
    };
  }

  /** GET /api/v1/certificates/:id/inclusion */
  async inclusion(id: string): Promise<InclusionProof> {
    const parsed = certificateIdSchema.safeParse(id);
    if (!parsed.success) throw certificateNotFound();
    const { logged, exists, checkpoint, nodes } = await inclusionContext(this.db, parsed.data);
    const issuance = logged.find((e) => e.kind === 'issuance');
    if (!issuance) {
      if (!exists) throw certificateNotFound();
      throw new IssuerServiceError(
        'LOG_ENTRY_PENDING',
        404,
        `This certificate is not in the transparency log yet; it is logged within a second of issuance. Ask again in a second.`,
        { retryAfter: 1 },
      );
    }
    if (!checkpoint || checkpoint.size <= issuance.index) throw certificateNotFound();
    const { size, timestamp: stamp } = checkpoint;
    const revocation = logged.find((e) => e.kind === 'revocation' && e.index < size);
    const paths = (node: NodeSource) => [
      inclusionPath(issuance.index, size, node),
      revocation ? inclusionPath(revocation.index, size, node) : [],
    ];
    let computed;
    try {
      computed = paths(sourceOf(nodes));
    } catch {
      // the nodes fetched with the context are meant to cover every path; should one be missing,
      // fetch exactly what the paths read rather than fail the proof
      computed = await this.withNodes(paths);
    }
    const [path, revocationPath] = computed;
    return {
      leaf_index: issuance.index,
      tree_size: size,
      hashes: b64(path ?? []),
      checkpoint: this.sign(size, checkpoint.root) + checkpoint.cosignatures,
      ...(revocation && { revocation: { leaf_index: revocation.index, hashes: b64(revocationPath ?? []) } }),
      ...(stamp && {
        timestamp: { token: stamp.token.toString('base64'), gen_time: stamp.genTime.toISOString() },
      }),
    };
  }

  /** GET /log/proof/consistency?from=N&to=M */
  async consistency(
    fromText: unknown,
    toText: unknown,
  ): Promise<{ from: number; to: number; hashes: string[] }> {
    // the usual request (both sizes given, in order): the nodes are known from the request, so
    // the latest size and the nodes come in one round trip; anything else takes the path below
    const given = (v: unknown) =>
      typeof v === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(v) ? Number(v) : NaN;
    const [a, b] = [given(fromText), given(toText)];
    if (Number.isSafeInteger(a) && Number.isSafeInteger(b) && a <= b) {
      const { size, nodes } = await sizeAndNodes(
        this.db,
        nodesRead((node) => consistencyPath(a, b, node)),
      );
      if (size !== undefined && b <= size) {
        return { from: a, to: b, hashes: b64(consistencyPath(a, b, sourceOf(nodes))) };
      }
    }
    const latest = await this.latest();
    const parse = (v: unknown, name: string) => {
      const n = typeof v === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(v) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n) || n > latest.size) {
        throw new IssuerServiceError(
          'INVALID_REQUEST',
          400,
          `${name} must be a tree size from 0 to the latest checkpoint's (${latest.size}).`,
        );
      }
      return n;
    };
    const from = parse(fromText, 'from');
    const to = toText === undefined ? latest.size : parse(toText, 'to');
    if (from > to) throw new IssuerServiceError('INVALID_REQUEST', 400, 'from must not be greater than to.');
    const path = await this.withNodes((node) => consistencyPath(from, to, node));
    return { from, to, hashes: b64(path) };
  }

  /**
   * A tlog tile: level `level`'s hashes of tile `index`, all 256 or the first `width` (a partial
   * tile). Undefined when the log does not (yet) have them.
   */
  async tile(level: number, index: number, width: number = TILE_WIDTH): Promise<Buffer | undefined> {
    if (level * TILE_HEIGHT > 62) return undefined;
    const hashes = await nodeRange(this.db, level * TILE_HEIGHT, index * TILE_WIDTH, width);
    return hashes.length === width ? Buffer.concat(hashes) : undefined;
  }

  /** A tlog entry bundle: each entry as a big-endian uint16 length and its bytes. */
  async entryBundle(index: number, width: number = TILE_WIDTH): Promise<Buffer | undefined> {
    const bodies = await entryRange(this.db, index * TILE_WIDTH, width);
    if (bodies.length !== width) return undefined;
    return Buffer.concat(
      bodies.flatMap((body) => {
        const bytes = Buffer.from(body, 'utf8');
        const length = Buffer.alloc(2);
        length.writeUInt16BE(bytes.length);
        return [length, bytes];
      }),
    );
  }
}
