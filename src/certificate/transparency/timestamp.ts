import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * RFC 3161 trusted timestamps of log checkpoints (docs/transparency.md): the issuer asks a
 * time-stamping authority to sign the SHA-256 of a checkpoint's body, and a verifier who pins
 * that TSA's certificate learns that the checkpoint existed no later than the TSA's time, on the
 * TSA's word rather than the issuer's.
 */

const SHA256 = '2.16.840.1.101.3.4.2.1';
const ID_KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const ID_CE_EXT_KEY_USAGE = '2.5.29.37';
const ID_CT_TSTINFO = '1.2.840.113549.1.9.16.1.4';

export type TimestampFailure =
  | 'TIMESTAMP_MALFORMED'
  | 'TIMESTAMP_WRONG_IMPRINT'
  | 'TIMESTAMP_NONCE_MISMATCH'
  | 'TIMESTAMP_UNTRUSTED_TSA'
  | 'TIMESTAMP_SIGNATURE_INVALID';

export type TimestampCheck =
  { ok: true; genTime: Date; serial: string } | { ok: false; code: TimestampFailure; message: string };

/** The bytes a checkpoint's timestamp covers: SHA-256 of its body (the note text before its signatures). */
export function checkpointImprint(body: string): Buffer {
  return createHash('sha256').update(body, 'utf8').digest();
}

/** A DER TimeStampReq for `imprint` with a fresh 128-bit nonce, asking for the TSA's certificate. */
export function timestampRequest(imprint: Buffer): { der: Uint8Array; nonce: Buffer } {
  const nonce = randomBytes(16);
  nonce[0] = (nonce[0] ?? 0) & 0x7f; // a positive INTEGER, whose DER has no leading zero to lose
  if (nonce[0] === 0) nonce[0] = 1;
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(imprint) }),
    }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(nonce) }),
    certReq: true,
  });
  return { der: new Uint8Array(request.toSchema().toBER()), nonce };
}

/**
 * The TimeStampToken (DER ContentInfo) out of a TSA's TimeStampResp, or why there is none: a
 * status other than granted (0) or grantedWithMods (1) carries the TSA's own words.
 */
export function tokenOfReply(reply: Uint8Array): Uint8Array {
  let response: pkijs.TimeStampResp;
  try {
    response = pkijs.TimeStampResp.fromBER(reply);
  } catch {
    throw new Error('the answer is not a DER TimeStampResp');
  }
  const status = response.status.status;
  if (status !== 0 && status !== 1) {
    const text = response.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
    throw new Error(`the TSA refused the request (PKIStatus ${status}${text ? `: ${text}` : ''})`);
  }
  if (!response.timeStampToken) throw new Error('the TSA granted the request but sent no token');
  return new Uint8Array(response.timeStampToken.toSchema().toBER());
}

function fail(code: TimestampFailure, message: string): TimestampCheck {
  return { ok: false, code, message };
}

/** A certificate in PEM (the first one in the text) or DER. */
export function parseTsaCertificate(input: string | Uint8Array): pkijs.Certificate {
  if (typeof input !== 'string') return pkijs.Certificate.fromBER(input);
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(input);
  if (!match?.[1]) throw new Error('no PEM certificate found');
  return pkijs.Certificate.fromBER(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
}

function isTimeStampingCertificate(cert: pkijs.Certificate): boolean {
  const eku = cert.extensions?.find((e) => e.extnID === ID_CE_EXT_KEY_USAGE);
  const usages = (eku?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  // RFC 3161 §2.3: the TSA's certificate has exactly this one purpose, marked critical
  return eku?.critical === true && usages.length === 1 && usages[0] === ID_KP_TIME_STAMPING;
}

const sameBytes = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array) =>
  Buffer.from(a instanceof Uint8Array ? a : new Uint8Array(a)).equals(
    Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)),
  );

/**
 * Checks a TimeStampToken for a checkpoint `body`: it parses, its TSTInfo's messageImprint is
 * SHA-256 of exactly these bytes (and its nonce the one sent, when given), it names the pinned TSA
 * certificate as its signer, and its CMS signature verifies with that certificate's key. When no
 * certificate is pinned (the issuer checking its TSA's answer), the one in the token is used.
 */
export async function verifyTimestampToken(
  token: Uint8Array,
  body: string,
  options: { tsaCertificate?: pkijs.Certificate | undefined; nonce?: Buffer | undefined } = {},
): Promise<TimestampCheck> {
  const imprint = checkpointImprint(body);
  let signed: pkijs.SignedData;
  let info: pkijs.TSTInfo;
  try {
    const content = pkijs.ContentInfo.fromBER(token);
    if (content.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not SignedData');
    signed = new pkijs.SignedData({ schema: content.content });
    if (signed.encapContentInfo.eContentType !== ID_CT_TSTINFO) throw new Error('not a TSTInfo');
    const eContent = signed.encapContentInfo.eContent;
    if (!eContent) throw new Error('no TSTInfo');
    info = pkijs.TSTInfo.fromBER(eContent.getValue());
  } catch {
    return fail('TIMESTAMP_MALFORMED', 'The timestamp token is not an RFC 3161 TimeStampToken.');
  }
  const hashed = info.messageImprint.hashedMessage.valueBlock.valueHexView;
  if (info.messageImprint.hashAlgorithm.algorithmId !== SHA256 || !sameBytes(hashed, imprint)) {
    return fail(
      'TIMESTAMP_WRONG_IMPRINT',
      'The timestamp token is for other data than this checkpoint: its message imprint is not the SHA-256 of the checkpoint body.',
    );
  }
  if (options.nonce && !(info.nonce && sameBytes(info.nonce.valueBlock.valueHexView, options.nonce))) {
    return fail('TIMESTAMP_NONCE_MISMATCH', 'The timestamp token does not carry the nonce of the request.');
  }
  const signer = signed.signerInfos[0];
  if (!signer || signed.signerInfos.length !== 1) {
    return fail('TIMESTAMP_MALFORMED', 'The timestamp token must have exactly one signer.');
  }
  const embedded = (signed.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  const certificate =
    options.tsaCertificate ?? embedded.find((c) => namesCertificate(signer.sid, c)) ?? embedded[0];
  if (!certificate || !namesCertificate(signer.sid, certificate)) {
    return fail(
      'TIMESTAMP_UNTRUSTED_TSA',
      options.tsaCertificate
        ? 'The timestamp token is signed by another TSA than the pinned --tsa-cert.'
        : 'The timestamp token does not carry its signer certificate.',
    );
  }
  if (!isTimeStampingCertificate(certificate)) {
    return fail(
      'TIMESTAMP_UNTRUSTED_TSA',
      'The TSA certificate is not a time-stamping certificate (its extended key usage must be timeStamping only, critical).',
    );
  }
  const genTime = info.genTime;
  if (genTime < certificate.notBefore.value || genTime > certificate.notAfter.value) {
    return fail('TIMESTAMP_UNTRUSTED_TSA', "The timestamp's time is outside the TSA certificate's validity.");
  }
  // Verify against the pinned certificate alone: a certificate the token brings cannot vouch for it.
  signed.certificates = [certificate];
  // pkijs checks the imprint again against the data itself
  const data = Buffer.from(body, 'utf8');
  const verified = await signed
    .verify({
      signer: 0,
      checkChain: false,
      data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    })
    .catch(() => false);
  if (!verified) {
    return fail(
      'TIMESTAMP_SIGNATURE_INVALID',
      "The timestamp token's signature does not verify with the TSA certificate's key.",
    );
  }
  return {
    ok: true,
    genTime,
    serial: Buffer.from(info.serialNumber.valueBlock.valueHexView).toString('hex'),
  };
}

function namesCertificate(sid: pkijs.SignerInfo['sid'], cert: pkijs.Certificate): boolean {
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return (
      sid.issuer.isEqual(cert.issuer) &&
      sameBytes(sid.serialNumber.valueBlock.valueHexView, cert.serialNumber.valueBlock.valueHexView)
    );
  }
  // subjectKeyIdentifier ([0] IMPLICIT OCTET STRING)
  const ski = cert.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue as
    asn1js.OctetString | undefined;
  const id = (sid as { valueBlock?: { valueHexView?: Uint8Array } }).valueBlock?.valueHexView;
  if (!id) return false;
  return ski !== undefined && sameBytes(ski.valueBlock.valueHexView, id);
}
