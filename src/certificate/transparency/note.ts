import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { InputError, PassgeniError } from '../../errors.js';

/**
 * C2SP signed-note with Ed25519 keys: a text ending in a newline, a blank line, then one line per
 * signature: em dash, space, key name, space, base64(key id ‖ signature). The key id is the first
 * four bytes of SHA-256(name ‖ 0x0A ‖ signature type ‖ public key); a verifier key is shared as
 * `name+hexkeyid+base64(type ‖ public key)`.
 */

export const ED25519_TYPE = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

export interface NoteSigner extends NoteVerifier {
  privateKey: KeyObject;
}

export class NoteError extends PassgeniError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { exitCode: 1, ...(details !== undefined && { details }) });
  }
}

/** A key name: non-empty, no whitespace, no `+` (it separates the verifier key's fields). */
export function isKeyName(name: string): boolean {
  return name !== '' && !/[\s+]/u.test(name) && !/[\p{C}]/u.test(name);
}

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

export function keyId(name: string, type: number, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(`${name}\n`, 'utf8')
    .update(Buffer.of(type))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export function signerFor(name: string, privateKey: KeyObject): NoteSigner {
  if (!isKeyName(name)) {
    throw new InputError(
      'LOG_NAME_INVALID',
      `The log's name (its origin, the issuer id) must contain no spaces or "+" to sign checkpoints: ${JSON.stringify(name)}. Set an issuer id without them.`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  return { name, privateKey, publicKey, keyId: keyId(name, ED25519_TYPE, rawPublicKey(publicKey)) };
}

/** `name+hexkeyid+base64(0x01 ‖ public key)`. */
export function verifierKeyString(v: NoteVerifier): string {
  const raw = Buffer.concat([Buffer.of(ED25519_TYPE), rawPublicKey(v.publicKey)]);
  return `${v.name}+${v.keyId.toString('hex')}+${raw.toString('base64')}`;
}

export function parseVerifierKey(text: string): NoteVerifier {
  const bad = (why: string) =>
    new InputError(
      'LOG_KEY_INVALID',
      `Not a log verifier key (${why}): expected name+hexkeyid+base64key, as the issuer publishes in /.well-known/passgeni-issuer (log.verifier_key).`,
    );
  // the name holds no "+", the key id is 8 hex digits; the base64 key itself may contain "+"
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text.trim());
  if (!m) throw bad('three fields separated by "+"');
  const [, name = '', hexId = '', b64 = ''] = m;
  if (!isKeyName(name)) throw bad('the name');
  if (!/^[0-9a-f]{8}$/.test(hexId)) throw bad('the key id must be 8 hex digits');
  const raw = Buffer.from(b64, 'base64');
  if (raw.toString('base64') !== b64) throw bad('the key is not base64');
  if (raw.length !== 33 || raw[0] !== ED25519_TYPE) throw bad('only Ed25519 keys (type 0x01) are supported');
  const publicKey = ed25519PublicKey(raw.subarray(1));
  const id = keyId(name, ED25519_TYPE, raw.subarray(1));
  if (id.toString('hex') !== hexId) throw bad('the key id does not match the name and key');
  return { name, keyId: id, publicKey };
}

export function signatureLine(signer: Pick<NoteSigner, 'name' | 'keyId'>, signature: Uint8Array): string {
  return `${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([signer.keyId, signature]).toString('base64')}\n`;
}

/** Signs `text` (which must end in a newline) and returns the whole note. */
export function signNote(text: string, signer: NoteSigner): string {
  if (!text.endsWith('\n') || text.includes('\n\n')) throw new Error('a note text ends in one newline');
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  return `${text}\n${signatureLine(signer, signature)}`;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The signature bytes after the key id. */
  signature: Buffer;
}

export interface ParsedNote {
  text: string;
  signatures: NoteSignature[];
}

export function parseNote(note: string): ParsedNote {
  const malformed = (why: string) => new NoteError('LOG_NOTE_MALFORMED', `Malformed signed note: ${why}.`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x09\x0b-\x1f]/.test(note)) throw malformed('control characters');
  const cut = note.lastIndexOf('\n\n');
  if (cut < 0 || !note.endsWith('\n')) throw malformed('no blank line before the signatures');
  const text = note.slice(0, cut + 1);
  const lines = note.slice(cut + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed('too many signatures');
  const signatures = lines.map((line) => {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('a signature line must start with "— "');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.lastIndexOf(' ');
    const name = rest.slice(0, space);
    const blob = Buffer.from(rest.slice(space + 1), 'base64');
    if (space <= 0 || !isKeyName(name) || blob.length < 5) throw malformed('a bad signature line');
    return { name, keyId: blob.subarray(0, 4), signature: blob.subarray(4) };
  });
  return { text, signatures };
}

/**
 * The note's text, when `verifier` signed it. A signature line with the verifier's name and key
 * id that does not verify rejects the note; lines from other keys are ignored.
 */
export function openNote(note: string, verifier: NoteVerifier): ParsedNote {
  const parsed = parseNote(note);
  const mine = parsed.signatures.find((s) => s.name === verifier.name && s.keyId.equals(verifier.keyId));
  if (!mine) {
    throw new NoteError(
      'LOG_SIGNATURE_MISSING',
      `The checkpoint carries no signature by the log key ${verifier.name}+${verifier.keyId.toString('hex')}; check the key you pinned.`,
    );
  }
  if (
    mine.signature.length !== 64 ||
    !verify(null, Buffer.from(parsed.text, 'utf8'), verifier.publicKey, mine.signature)
  ) {
    throw new NoteError(
      'LOG_SIGNATURE_INVALID',
      `The checkpoint's signature by ${verifier.name} does not verify: it was altered or signed by another key.`,
    );
  }
  return parsed;
}

/** An Ed25519 private key from PKCS#8 PEM. */
export function loadEd25519PrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
  return key;
}
