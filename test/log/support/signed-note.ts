import { createHash, createPublicKey, verify } from 'node:crypto';

/**
 * An independent C2SP signed-note (Ed25519) and tlog-checkpoint reader for the tests, written
 * from the specs, sharing no code with src/.
 */

export interface Vkey {
  name: string;
  id: Buffer;
  key: Buffer;
}

/** `<name>+<hex key id>+<base64(0x01 || 32-byte key)>` */
export function readVkey(vkey: string): Vkey {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey);
  if (!m) throw new Error(`bad vkey ${vkey}`);
  const blob = Buffer.from(m[3] as string, 'base64');
  if (blob.length !== 33 || blob[0] !== 1) throw new Error('not an Ed25519 vkey');
  const key = blob.subarray(1);
  const id = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${m[1]}\n`), Buffer.from([1]), key]))
    .digest()
    .subarray(0, 4);
  if (id.toString('hex') !== m[2]) throw new Error('vkey id does not match');
  return { name: m[1] as string, id, key };
}

/**
 * The note's text when it carries a valid signature by `vkey`; throws otherwise. The text is
 * everything up to and including the newline before the last blank line.
 */
export function verifyNote(note: string, vkey: Vkey): string {
  const sep = note.lastIndexOf('\n\n');
  if (sep < 0) throw new Error('no signature block');
  const text = note.slice(0, sep + 1);
  const sigLines = note.slice(sep + 2).split('\n');
  if (sigLines.pop() !== '') throw new Error('note does not end in a newline');
  const publicKey = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), vkey.key]),
    format: 'der',
    type: 'spki',
  });
  for (const line of sigLines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) throw new Error(`bad signature line ${line}`);
    const blob = Buffer.from(m[2] as string, 'base64');
    if (m[1] !== vkey.name || !blob.subarray(0, 4).equals(vkey.id)) continue;
    if (!verify(null, Buffer.from(text, 'utf8'), publicKey, blob.subarray(4)))
      throw new Error('bad signature');
    return text;
  }
  throw new Error('no signature by this key');
}

export interface ParsedCheckpoint {
  origin: string;
  size: number;
  root: Buffer;
}

export function readCheckpoint(note: string, vkey: Vkey): ParsedCheckpoint {
  const lines = verifyNote(note, vkey).split('\n');
  return {
    origin: lines[0] as string,
    size: Number(lines[1]),
    root: Buffer.from(lines[2] as string, 'base64'),
  };
}

/**
 * A C2SP tlog-cosignature (Ed25519, cosignature/v1) line by the witness `vkey` (signature type
 * 0x04) over the checkpoint `text`: returns the cosignature's timestamp, throws when it is not valid.
 */
export function verifyCosignature(text: string, line: string, vkey: string): number {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey);
  if (!m) throw new Error('bad witness vkey');
  const blob = Buffer.from(m[3] as string, 'base64');
  if (blob.length !== 33 || blob[0] !== 4) throw new Error('not a cosignature/v1 vkey');
  const id = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${m[1]}\n`), blob]))
    .digest()
    .subarray(0, 4);
  const sig = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)\n?$/.exec(line);
  if (!sig || sig[1] !== m[1]) throw new Error('not a line by this witness');
  const raw = Buffer.from(sig[2] as string, 'base64');
  if (raw.length !== 4 + 8 + 64 || !raw.subarray(0, 4).equals(id)) throw new Error('wrong key id or length');
  const timestamp = Number(raw.readBigUInt64BE(4));
  const publicKey = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), blob.subarray(1)]),
    format: 'der',
    type: 'spki',
  });
  const message = Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`, 'utf8');
  if (!verify(null, message, publicKey, raw.subarray(12))) throw new Error('bad cosignature');
  return timestamp;
}
