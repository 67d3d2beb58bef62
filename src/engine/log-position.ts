import { setTimeout as sleep } from 'node:timers/promises';
import type { SecretStore } from '../../adapters/store.js';
import { parseCheckpointText } from '../certificate/transparency/checkpoint.js';
import { leafHash, verifyInclusion } from '../certificate/transparency/merkle.js';
import { errorMessage } from '../errors.js';
import type { IssuedCertificate, IssuerClient } from '../issuer-client/types.js';
import * as z from '../zod.js';

/**
 * Where a new certificate is in its issuer's transparency log, for the stores that record it
 * beside the URL (the file store's sidecar). It runs last, once the stores are written, and only
 * when a store can record the answer, so a run to other stores never asks. It asks once at once:
 * an in-process issuer logs on demand, so its index costs nothing. A remote issuer's sequencer
 * logs a certificate about a second after issuance; waiting for it is what the caller asks for
 * (`waitForLog`: until the issuance answer's `proof_available_after`, then polling, MAX_WAIT_MS in
 * all), since seconds on every certify would tax users who do not want the index. Failing to learn
 * it is a warning, never a failure: the certificate and the stores are done, and `verify
 * --require-log` or the inventory find the index in the log itself whenever asked.
 */
export const MAX_WAIT_MS = 3_000;
const POLL_MS = 250;

export interface LogPosition {
  leaf_index: number;
  tree_size: number;
}

const proofSchema = z.looseObject({
  leaf_index: z.int().check(z.minimum(0)),
  tree_size: z.int().check(z.minimum(1)),
  hashes: z.array(z.string().check(z.maxLength(64))).check(z.maxLength(64)),
  checkpoint: z.string().check(z.maxLength(16_384)),
});

export async function recordLogPosition(
  cert: IssuedCertificate,
  issuer: IssuerClient,
  stored: readonly SecretStore[],
  wait: boolean,
): Promise<{ position?: LogPosition; warning?: string }> {
  const recorders = stored.filter((s) => s.recordLogEntry !== undefined);
  const ask = issuer.inclusionProof?.bind(issuer);
  // an issuer that names no log entry (no log, or one that predates it) is not asked
  if (recorders.length === 0 || ask === undefined || cert.log === undefined) return {};
  const deadline = Date.now() + MAX_WAIT_MS;
  const availableAt = Date.parse(cert.log.proof_available_after);
  let position: LogPosition | undefined;
  let lastError = '';
  for (let attempt = 0; position === undefined; attempt++) {
    try {
      position = checkedPosition(await ask(cert.cert_id), cert.certificate);
    } catch (error) {
      lastError = errorMessage(error);
      if (!wait) return {};
      // the last attempt is at the deadline, whatever the issuer's estimate (clocks differ)
      const left = deadline - Date.now();
      if (left <= 0) break;
      const estimate = attempt === 0 && availableAt > Date.now() ? availableAt - Date.now() : POLL_MS;
      await sleep(Math.min(left, estimate));
    }
  }
  if (position === undefined) {
    return {
      warning: `The certificate's place in the issuer's transparency log was not recorded in ${recorders.map((s) => s.uri).join(', ')}: the issuer had not logged it within ${MAX_WAIT_MS / 1000} s (${lastError}). Nothing else is affected; \`passgeni verify --require-log\` shows it once it is logged.`,
    };
  }
  const failed: string[] = [];
  for (const store of recorders) {
    try {
      await store.recordLogEntry?.({
        certId: cert.cert_id,
        leafIndex: position.leaf_index,
        treeSize: position.tree_size,
      });
    } catch (error) {
      failed.push(`${store.uri} (${errorMessage(error)})`);
    }
  }
  return {
    position,
    ...(failed.length > 0 && {
      warning: `The certificate's log index ${position.leaf_index} could not be recorded in ${failed.join(', ')}; the credential and its certificate URL are stored.`,
    }),
  };
}

/**
 * The proof must at least lead from this certificate to the root its checkpoint names, so a
 * garbled answer is never recorded. Its signature is not checked here: the record is a pointer,
 * like the URL beside it, and verification (`verify --require-log`, the inventory) checks it.
 */
function checkedPosition(raw: unknown, jwt: string): LogPosition {
  const proof = proofSchema.parse(raw);
  const body = proof.checkpoint.slice(0, proof.checkpoint.indexOf('\n\n') + 1);
  const checkpoint = parseCheckpointText(body);
  const path = proof.hashes.map((h) => Buffer.from(h, 'base64'));
  if (
    checkpoint.size !== proof.tree_size ||
    !verifyInclusion(
      leafHash(Buffer.from(jwt, 'ascii')),
      proof.leaf_index,
      proof.tree_size,
      path,
      checkpoint.root,
    )
  ) {
    throw new Error('the inclusion proof does not lead from this certificate to its checkpoint');
  }
  return { leaf_index: proof.leaf_index, tree_size: proof.tree_size };
}
