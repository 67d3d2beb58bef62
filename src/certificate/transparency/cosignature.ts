import { createHash, verify } from 'node:crypto';
import { InputError } from '../../errors.js';
import { ed25519PublicKey, isKeyName, parseNote } from './note.js';
import type { NoteVerifier } from './note.js';

/**
 * C2SP tlog-cosignature, Ed25519 (`cosignature/v1`): a witness's signature line on a checkpoint,
 * base64(key id ‖ u64 timestamp ‖ Ed25519 signature over "cosignature/v1\ntime <t>\n" ‖ the
 * checkpoint text). The key id is SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4].
 */
export const COSIGNATURE_V1 = 0x04;

export function parseWitnessKey(text: string): NoteVerifier {
  const bad = (why: string) =>
    new InputError(
      'WITNESS_KEY_INVALID',
      `Not a witness verifier key (${why}): expected name+hexkeyid+base64key with signature type 0x04 (cosignature/v1), as \`passgeni witness\` prints.`,
    );
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text.trim());
  if (!m) throw bad('three fields separated by "+"');
  const [, name = '', hexId = '', b64 = ''] = m;
  const raw = Buffer.from(b64, 'base64');
  if (!isKeyName(name) || raw.toString('base64') !== b64) throw bad('the name or the key');
  if (raw.length !== 33 || raw[0] !== COSIGNATURE_V1)
    throw bad('only Ed25519 cosignature/v1 keys are supported');
  const keyId = createHash('sha256').update(`${name}\n`, 'utf8').update(raw).digest().subarray(0, 4);
  if (keyId.toString('hex') !== hexId) throw bad('the key id does not match the name and key');
  return { name, keyId, publicKey: ed25519PublicKey(raw.subarray(1)) };
}

/**
 * The witnesses (of `witnesses`) whose cosignature on the checkpoint note verifies, with their
 * timestamps. Lines by other keys are ignored; one that claims a witness's key and fails does
 * not count.
 */
export function verifiedCosigners(
  note: string,
  witnesses: readonly NoteVerifier[],
): Array<{ name: string; timestamp: number }> {
  const { text, signatures } = parseNote(note);
  const out: Array<{ name: string; timestamp: number }> = [];
  for (const w of witnesses) {
    const line = signatures.find((s) => s.name === w.name && s.keyId.equals(w.keyId));
    if (!line || line.signature.length !== 8 + 64) continue;
    const timestamp = Number(line.signature.readBigUInt64BE(0));
    const message = Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`, 'utf8');
    if (verify(null, message, w.publicKey, line.signature.subarray(8))) out.push({ name: w.name, timestamp });
  }
  return out;
}
