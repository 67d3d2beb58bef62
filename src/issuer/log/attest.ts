/**
 * Getting the log's newest checkpoint timestamped (the TSA) and cosigned (each witness), off the
 * sequencing path: appending and checkpoint signing never wait on a network call, so a slow or hung
 * TSA or witness delays only its own evidence, never the logging of the next certificates.
 *
 * Each attester (the TSA, each witness) has at most one request in flight, bounded by its timeout.
 * When it is free and the sequencer has made a newer checkpoint than the last it was asked about, it
 * takes the newest one; attesters that are free when a checkpoint is made all start on that one, so
 * in the usual case one checkpoint carries every attestation. A failed checkpoint is asked for again
 * once RETRY_MS has passed while the log stays quiet (a newer checkpoint is asked for at once).
 */

/** A checkpoint to attest: its size and root hash. */
export interface Attestable {
  size: number;
  root: Buffer;
}

export interface Attester {
  /** Gets the checkpoint attested and stores the result; throws when it did not. */
  attest(checkpoint: Attestable, now: Date): Promise<void>;
  /** What to warn when it did not. */
  failed(size: number, error: unknown): string;
}

/** While the log is quiet, a checkpoint an attester failed on is asked for again this often. */
export const RETRY_MS = 60_000;

class Lane {
  /** The size last asked about, and whether that failed and when. */
  private asked: { size: number; failedAt?: number } | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly attester: Attester,
    private readonly warn: (message: string) => void,
  ) {}

  /** Starts on `wanted` unless a request is in flight or `wanted` is done (or failed too recently). */
  offer(wanted: Attestable, now: () => Date, newest: () => Attestable | undefined): void {
    if (this.running) return;
    const asked = this.asked;
    if (asked && asked.size >= wanted.size) {
      if (asked.failedAt === undefined || now().getTime() - asked.failedAt < RETRY_MS) return;
    }
    this.running = this.run(wanted, now).finally(() => {
      this.running = undefined;
      // what the sequencer made meanwhile: this attester is free again, so it takes the newest
      const next = newest();
      if (next && next.size > wanted.size) this.offer(next, now, newest);
    });
  }

  private async run(wanted: Attestable, now: () => Date): Promise<void> {
    try {
      await this.attester.attest(wanted, now());
      this.asked = { size: wanted.size };
    } catch (error) {
      this.asked = { size: wanted.size, failedAt: now().getTime() };
      this.warn(this.attester.failed(wanted.size, error));
    }
  }

  /** The request in flight (and those it chains to), if any. */
  get busy(): Promise<void> | undefined {
    return this.running;
  }
}

export class Attestations {
  private readonly lanes: Lane[];
  /** The newest checkpoint this process's sequencer made: what the attesters should work on. */
  private wanted: Attestable | undefined;

  constructor(
    attesters: readonly Attester[],
    private readonly clock: () => Date,
    warn: (message: string) => void,
  ) {
    this.lanes = attesters.map((a) => new Lane(a, warn));
  }

  get active(): boolean {
    return this.lanes.length > 0;
  }

  /**
   * Called after each sequencing round, with the newest checkpoint when this round appended one.
   * Returns at once: the requests run on their own.
   */
  offer(made: Attestable | undefined): void {
    if (made && (!this.wanted || made.size > this.wanted.size)) this.wanted = made;
    const wanted = this.wanted;
    if (!wanted) return;
    for (const lane of this.lanes) lane.offer(wanted, this.clock, () => this.wanted);
  }

  /** Resolves when no request is in flight (each bounded by its timeout). */
  async settled(): Promise<void> {
    for (;;) {
      const running = this.lanes.map((l) => l.busy).filter((p) => p !== undefined);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }
}
