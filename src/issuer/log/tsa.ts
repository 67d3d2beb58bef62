import { checkpointText } from '../../certificate/transparency/checkpoint.js';
import { httpRequest } from '../../lib/http.js';
import type { Queryable } from '../db/types.js';

/** A TimeStampResp is a few KB (a token with the TSA's certificate chain); anything far larger is not one. */
const MAX_REPLY_BYTES = 256 * 1024;
const TSA_TIMEOUT_MS = 10_000;
/** While the log is quiet, a checkpoint left without a token is asked for again this often. */
export const TSA_RETRY_MS = 60_000;

/**
 * Asking an RFC 3161 time-stamping authority (`--tsa-url`) to timestamp each new checkpoint
 * (docs/transparency.md). The token is checked (granted, this checkpoint's imprint, this request's
 * nonce, a signature that verifies with the certificate it carries) before it is stored beside the
 * checkpoint. A TSA that fails never holds issuance up: the checkpoint stays published without a
 * token, a warning is logged, and the next checkpoint asks again (or, while no entry comes, the
 * same one, once a minute: a quiet log must not keep an unstamped checkpoint for good).
 */
export class TimestampRequests {
  /** The checkpoint this process last failed to timestamp, and when. */
  private failed: { size: number; at: number } | undefined;

  constructor(
    private readonly db: Queryable,
    readonly url: string,
    private readonly origin: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** Whether the checkpoint this process failed to timestamp is due to be asked for again. */
  retryDue(now: Date): boolean {
    return this.failed !== undefined && now.getTime() - this.failed.at >= TSA_RETRY_MS;
  }

  async stamp(size: number, root: Buffer, now: Date): Promise<void> {
    try {
      await this.one(size, root, now);
      this.failed = undefined;
    } catch (error) {
      this.failed = { size, at: now.getTime() };
      this.warn(
        `the TSA (${this.url}) did not timestamp checkpoint ${size}: ${error instanceof Error ? error.message : String(error)}; the checkpoint is published without a timestamp, and the next one asks again`,
      );
    }
  }

  private async one(size: number, root: Buffer, now: Date): Promise<void> {
    // pkijs is loaded only by an issuer that has a TSA
    const { checkpointImprint, timestampRequest, tokenOfReply, verifyTimestampToken } =
      await import('../../certificate/transparency/timestamp.js');
    const body = checkpointText({ origin: this.origin, size, root });
    const { der, nonce } = timestampRequest(checkpointImprint(body));
    const response = await httpRequest({
      url: this.url,
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: der,
      timeoutMs: TSA_TIMEOUT_MS,
      maxBodyBytes: MAX_REPLY_BYTES,
    });
    if (response.status !== 200) {
      throw new Error(`HTTP ${response.status}: ${response.text.slice(0, 200).trim()}`);
    }
    const token = tokenOfReply(response.bytes);
    const check = await verifyTimestampToken(token, body, { nonce });
    if (!check.ok) throw new Error(`its token does not verify: ${check.message}`);
    await this.db.query(
      `INSERT INTO log_timestamps (size, token, gen_time, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (size) DO NOTHING`,
      [String(size), Buffer.from(token), check.genTime, now],
    );
  }
}

/** The stored timestamp of the checkpoint of `size`, if it has one. */
export async function checkpointTimestamp(
  db: Queryable,
  size: number,
): Promise<{ token: Buffer; genTime: Date } | undefined> {
  const [row] = await db.query<{ token: Uint8Array; gen_time: Date | string }>(
    'SELECT token, gen_time FROM log_timestamps WHERE size = $1::bigint',
    [String(size)],
    { name: 'passgeni_log_timestamp' },
  );
  return row && { token: Buffer.from(row.token), genTime: new Date(row.gen_time) };
}
