import { verifiedCosigners } from '../../certificate/transparency/cosignature.js';
import type { NoteVerifier } from '../../certificate/transparency/note.js';
import { httpRequest } from '../../lib/http.js';
import type { Queryable } from '../db/types.js';
import type { Attestable, Attester } from './attest.js';

/**
 * Asking witnesses to cosign the log's checkpoints (C2SP tlog-witness `add-checkpoint`). Each
 * witness is sent the new checkpoint with a consistency proof from the size it last cosigned
 * (learnt from its 409 answer when this process does not know it); its cosignature is verified
 * before it is stored, and is then served with that checkpoint.
 */
export interface WitnessTarget {
  /** The witness's submission prefix: `<url>/add-checkpoint`. */
  url: string;
  key: NoteVerifier;
}

/** Asking one witness to cosign the log's checkpoints, as one of the log's attesters (attest.ts). */
export class WitnessRequests implements Attester {
  /** The size this witness last cosigned, as far as this process knows. */
  private size = 0;

  constructor(
    private readonly db: Queryable,
    readonly target: WitnessTarget,
    /** The checkpoint of (size, root) as a signed note, without cosignatures. */
    private readonly note: (size: number, root: Buffer) => string,
    private readonly consistency: (from: number, to: number) => Promise<string[]>,
  ) {}

  failed(size: number, error: unknown): string {
    return `witness ${this.target.key.name} (${this.target.url}) did not cosign checkpoint ${size}: ${String(error)}`;
  }

  async attest({ size, root }: Attestable, now: Date): Promise<void> {
    await this.one(this.target, this.note(size, root), size, now);
  }

  private async one(target: WitnessTarget, note: string, size: number, now: Date): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const old = Math.min(this.size, size);
      const proof = old > 0 && old < size ? await this.consistency(old, size) : [];
      const response = await httpRequest({
        url: `${target.url.replace(/\/+$/, '')}/add-checkpoint`,
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: `old ${old}\n${proof.map((h) => `${h}\n`).join('')}\n${note}`,
        maxBodyBytes: 64 * 1024,
      });
      const isSize = String(response.headers['content-type'] ?? '').startsWith('text/x.tlog.size');
      if (response.status === 409 && isSize && /^\d+\n$/.test(response.text)) {
        this.size = Number(response.text.trim());
        continue;
      }
      if (response.status !== 200)
        throw new Error(`HTTP ${response.status}: ${response.text.slice(0, 200).trim()}`);
      const lines = response.text.split('\n').filter((l) => l !== '');
      const cosigned = verifiedCosigners(`${note}${lines.map((l) => `${l}\n`).join('')}`, [target.key]);
      const line = lines.find((l) => l.startsWith(`\u2014 ${target.key.name} `));
      if (cosigned.length !== 1 || line === undefined)
        throw new Error('its answer holds no valid cosignature');
      await this.db.query(
        `INSERT INTO log_cosignatures (size, witness, line, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (size, witness) DO NOTHING`,
        [String(size), target.key.name, line, now],
      );
      this.size = size;
      return;
    }
    throw new Error('it keeps answering with another size');
  }
}

/** The stored cosignature lines of the checkpoint of `size`, each ending in a newline. */
export async function cosignatureLines(db: Queryable, size: number): Promise<string> {
  const rows = await db.query<{ line: string }>(
    'SELECT line FROM log_cosignatures WHERE size = $1::bigint ORDER BY witness',
    [String(size)],
    { name: 'passgeni_log_cosignatures' },
  );
  return rows.map((r) => `${r.line}\n`).join('');
}
