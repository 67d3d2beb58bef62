import { checkpointText } from '../../certificate/transparency/checkpoint.js';
import { httpRequest } from '../../lib/http.js';
import type { Queryable } from '../db/types.js';
import type { Attestable, Attester } from './attest.js';

/** A TimeStampResp is a few KB (a token with the TSA's certificate chain); anything far larger is not one. */
const MAX_REPLY_BYTES = 256 * 1024;
const TSA_TIMEOUT_MS = 10_000;

/**
 * Asking an RFC 3161 time-stamping authority (`--tsa-url`) to timestamp the log's checkpoints
 * (docs/transparency.md), as one of the log's attesters (attest.ts: off the sequencing path, one
 * request in flight). The token is checked (granted, this checkpoint's imprint, this request's
 * nonce, a signature that verifies with the certificate it carries) before it is stored beside the
 * checkpoint. A TSA that fails never holds issuance or logging up: the checkpoint stays published
 * without a token, a warning is logged, and the next checkpoint asks again (or, while no entry
 * comes, the same one, once a minute: a quiet log must not keep an unstamped checkpoint for good).
 */
export class TimestampRequests implements Attester {
  constructor(
    private readonly db: Queryable,
    readonly url: string,
    private readonly origin: string,
  ) {}

  failed(size: number, error: unknown): string {
    return `the TSA (${this.url}) did not timestamp checkpoint ${size}: ${error instanceof Error ? error.message : String(error)}; the checkpoint is published without a timestamp, and the next one asks again`;
  }

  async attest({ size, root }: Attestable, now: Date): Promise<void> {
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
