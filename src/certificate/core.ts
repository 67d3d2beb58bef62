import type * as NodeCrypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { VerificationFailure, VerificationFailureCode, VerifiedHeader } from './types.js';

/**
 * The verification core: compact-JWT parsing, ES256 signature checks, time and issuer checks, and
 * the hand-written claims validator. It is the only implementation of these rules; the main
 * thread (createVerifier, signCertificate, credential binding) and the bulk-verification workers
 * all run this same function.
 *
 * Why it is written so unusually: a worker cannot import a `.ts` file under vitest, and after the
 * CLI is bundled into one dist/cli.js there is no worker file to point at. So workers are started
 * from source text, `createCertificateCore.toString()` (see verify-many.ts), which works wherever
 * the function itself runs. That only holds if the function is self-contained:
 *  - it references nothing outside its own body except its parameters and globals (Buffer, JSON,
 *    Date, Map, Set …); node:crypto and the constants come in as arguments;
 *  - every helper is an object-literal method (`name(a) { … }`), never a function declaration or
 *    `const f = () => …`: tsx and esbuild with keepNames wrap those in a `__name(…)` helper that
 *    lives outside the function (and is renamed by minification), which would break in a worker;
 *  - it uses no syntax a bundler would lower through an outside helper (object spread, classes);
 *    the CLI's esbuild target (node22) keeps everything here as written.
 * test/certificate/verify-many.test.ts enforces this by running verifyMany from esbuild bundles,
 * one of them minified with keepNames, the combination most likely to break it.
 *
 * It is also the hot path (verifyMany runs it for every certificate of a batch), hence no zod
 * here: the zod `claimsSchema` is the published contract, and a property test keeps the two in
 * agreement.
 */

export type CoreCrypto = Pick<typeof NodeCrypto, 'createPublicKey' | 'verify'>;

export interface CoreConstants {
  standardIds: readonly string[];
  certVersion: number;
}

/** One problem with a set of claims; `missing` marks an absent required top-level claim. */
export interface ClaimIssue {
  path: string;
  message: string;
  missing: boolean;
}

export interface CoreKey {
  kid: string;
  kty: string;
  crv: string;
  x: string;
  y: string;
}

export interface CheckerOptions {
  keys: readonly CoreKey[];
  /** Accepted `iss` values; null accepts any issuer. */
  issuers: readonly string[] | null;
  clockToleranceSec: number;
}

export interface CoreChecks {
  requireStandard?: string | undefined;
  minDaysRemaining?: number | undefined;
}

export interface CheckOutcome {
  /** Empty when every check held. */
  reasons: VerificationFailure[];
  /** The decoded payload, if it was a JSON object (trusted only when reasons is empty). */
  claims: Record<string, unknown> | undefined;
  /** alg/kid/typ of an ES256 header with a kid; shared and frozen. */
  header: VerifiedHeader | undefined;
}

interface HeaderInfo {
  parsed: boolean;
  algOk: boolean;
  kid: string | undefined;
  view: VerifiedHeader | undefined;
  failures: readonly VerificationFailure[];
}

/** A signature still to verify, and where in its outcome's reasons a failure is filed. */
interface Pending {
  outcome: CheckOutcome | undefined;
  jwt: string;
  d2: number;
  key: KeyObject;
  at: number;
}

export type CertificateCore = ReturnType<typeof createCertificateCore>;

export function createCertificateCore(crypto: CoreCrypto, constants: CoreConstants) {
  const standardIds = new Set<string>(constants.standardIds);
  const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
  const B64URL_RE = /^[A-Za-z0-9_-]*$/;
  const NOT_PRINTABLE_RE = /[\p{C}\p{Zl}\p{Zp}]/u;
  const VISIBLE_ASCII_RE = /^[\x20-\x7e]*$/;
  const MAX_TOKEN_LENGTH = 16_384;
  const NOT_P1363 = 'the signature is not a 64-byte ES256 (IEEE P1363) signature';
  const HEADER_CACHE_LIMIT = 256;
  const DAY_SEC = 86_400;
  const MAX_SIZE = 4096;
  const REQUIRED_CLAIMS = [
    'jti',
    'iss',
    'sub',
    'iat',
    'exp',
    'cert_version',
    'compliance_standard',
    'standards_met',
    'generation_params',
    'entropy_bits',
    'entropy_source',
    'generation_session_id',
    'generated_at',
  ];
  const KNOWN_CLAIMS = new Set<string>([
    ...REQUIRED_CLAIMS,
    'nbf',
    'rotate_by',
    'credential_binding',
    'label',
  ]);
  const PARAM_LIST = [
    'length',
    'has_upper',
    'has_lower',
    'has_numbers',
    'has_special',
    'char_pool_size',
    'excluded_characters',
    'class_sizes',
  ];
  const CLASS_LIST = ['upper', 'lower', 'digit', 'special'];
  const SOURCE_LIST = ['api', 'runtime', 'openssl', 'fips_mode'];
  const BINDING_LIST = ['alg', 'N', 'r', 'p', 'salt', 'digest'];
  const PARAM_KEYS = new Set<string>(PARAM_LIST);
  const CLASS_KEYS = new Set<string>(CLASS_LIST);
  const SOURCE_KEYS = new Set<string>(SOURCE_LIST);
  const BINDING_KEYS = new Set<string>(BINDING_LIST);
  /** Required claims first, in REQUIRED_CLAIMS order, so their bits form REQUIRED_MASK. */
  const CLAIM_LIST = [...REQUIRED_CLAIMS, 'nbf', 'rotate_by', 'credential_binding', 'label'];
  const REQUIRED_MASK = (1 << REQUIRED_CLAIMS.length) - 1;
  const STANDARD_LIST = [...constants.standardIds];
  const limits = {
    scryptMinN: 2 ** 14,
    scryptMaxN: 2 ** 20,
    scryptMaxR: 32,
    scryptMaxP: 16,
    /** 128·N·r bytes of memory: 256 MiB, 8× the default binding. */
    scryptMaxMemory: 256 * 1024 * 1024,
    /** N·r·p, proportional to CPU time: 16× the default binding. */
    scryptMaxWork: 2 ** 22,
  };

  const is = {
    record(v: unknown): v is Record<string, unknown> {
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    },
    int(v: unknown, min: number, max: number): v is number {
      return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
    },
    uuid(v: unknown): boolean {
      return typeof v === 'string' && UUID_RE.test(v);
    },
    /** ISO 8601 UTC with exactly millisecond precision (24 characters), naming a real instant. */
    isoMs(v: unknown): boolean {
      return typeof v === 'string' && v.length === 24 && v.charCodeAt(19) === 0x2e && is.isoInstant(v);
    },
    /**
     * ISO 8601 UTC date-time `YYYY-MM-DDTHH:mm:ss[.s{1,3}]Z` naming a real instant (no Feb 30, no
     * 24:00, no leap second). Checked by hand: Date.parse would roll 2024-02-30 over into March.
     */
    isoInstant(v: unknown): boolean {
      if (typeof v !== 'string' || !ISO_RE.test(v)) return false;
      return is.calendar(
        is.digits(v, 0, 4),
        is.digits(v, 5, 2),
        is.digits(v, 8, 2),
        is.digits(v, 11, 2),
        is.digits(v, 14, 2),
        is.digits(v, 17, 2),
      );
    },
    /** Whether the fields name a real UTC instant (no Feb 30, no 24:00, no leap second). */
    calendar(
      year: number,
      month: number,
      day: number,
      hour: number,
      minute: number,
      second: number,
    ): boolean {
      if (month < 1 || month > 12 || day < 1) return false;
      const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      const days =
        month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
      return day <= days && hour <= 23 && minute <= 59 && second <= 59;
    },
    /** The decimal number in v[start, start+length), which the caller has checked is all digits. */
    digits(v: string, start: number, length: number): number {
      let n = 0;
      for (let i = start; i < start + length; i++) n = n * 10 + v.charCodeAt(i) - 48;
      return n;
    },
    /** 1..max code points, none of them control, format, unassigned or line/paragraph separators. */
    printable(v: unknown, max: number): boolean {
      if (typeof v !== 'string' || v.length === 0 || v.length > 2 * max) return false;
      // fast path for the usual case, visible ASCII; anything else goes to the Unicode check
      if (v.length <= max && VISIBLE_ASCII_RE.test(v)) return true;
      if (NOT_PRINTABLE_RE.test(v)) return false;
      if (v.length <= max) return true;
      let codePoints = 0;
      for (const _char of v) codePoints++;
      return codePoints <= max;
    },
    /** Canonical unpadded base64url of exactly `bytes` bytes. */
    base64urlBytes(v: unknown, bytes: number): boolean {
      return (
        typeof v === 'string' &&
        v.length === Math.ceil((bytes * 4) / 3) &&
        B64URL_RE.test(v) &&
        Buffer.from(v, 'base64url').toString('base64url') === v
      );
    },
    standard(v: unknown): boolean {
      return typeof v === 'string' && standardIds.has(v);
    },
  };

  const text = {
    /** Untrusted values quoted for a message: JSON-escaped and bounded. */
    quote(v: unknown): string {
      const s = JSON.stringify(v) ?? String(v);
      return s.length > 48 ? `${s.slice(0, 45)}...` : s;
    },
    date(sec: number): string {
      const d = new Date(sec * 1000);
      return Number.isNaN(d.getTime()) ? String(sec) : d.toISOString();
    },
    failure(code: VerificationFailureCode, message: string): VerificationFailure {
      return { code, message };
    },
    malformed(message: string): CheckOutcome {
      return { reasons: [{ code: 'MALFORMED', message }], claims: undefined, header: undefined };
    },
  };

  const validate = {
    missing(issues: ClaimIssue[], name: string): void {
      issues.push({ path: name, message: 'is required', missing: true });
    },
    /** Records a problem; every message is built only here, on the failure path. */
    fail(issues: ClaimIssue[], path: string, message: string): void {
      issues.push({ path, message, missing: false });
    },
    unknownKeys(
      obj: Record<string, unknown>,
      allowed: Set<string>,
      prefix: string,
      issues: ClaimIssue[],
    ): void {
      for (const key in obj) {
        if (!allowed.has(key)) validate.fail(issues, `${prefix}${text.quote(key)}`, 'is not a known field');
      }
    },
    /**
     * Reports unknown members, after every known one was checked: if none of those checks failed
     * (so all are present) and the member count matches, there is nothing unknown to look for.
     */
    exactKeys(
      obj: Record<string, unknown>,
      allowed: Set<string>,
      issuesBefore: number,
      prefix: string,
      issues: ClaimIssue[],
    ): void {
      if (issues.length !== issuesBefore || Object.keys(obj).length !== allowed.size) {
        validate.unknownKeys(obj, allowed, prefix, issues);
      }
    },
    size(v: unknown, min: number, path: string, issues: ClaimIssue[]): void {
      if (!is.int(v, min, MAX_SIZE))
        validate.fail(issues, path, `must be an integer from ${min} to ${MAX_SIZE}`);
    },
    bool(v: unknown, path: string, issues: ClaimIssue[]): void {
      if (typeof v !== 'boolean') validate.fail(issues, path, 'must be a boolean');
    },
    binding(b: unknown, path: string, issues: ClaimIssue[]): void {
      if (!is.record(b)) {
        validate.fail(issues, path, 'must be an object');
        return;
      }
      validate.unknownKeys(b, BINDING_KEYS, `${path}.`, issues);
      if (b.alg !== 'scrypt') validate.fail(issues, `${path}.alg`, 'must be "scrypt"');
      const nOk = is.int(b.N, limits.scryptMinN, limits.scryptMaxN) && (b.N & (b.N - 1)) === 0;
      if (!nOk) validate.fail(issues, `${path}.N`, 'must be a power of two from 2^14 to 2^20');
      const rOk = is.int(b.r, 1, limits.scryptMaxR);
      if (!rOk) validate.fail(issues, `${path}.r`, `must be an integer from 1 to ${limits.scryptMaxR}`);
      const pOk = is.int(b.p, 1, limits.scryptMaxP);
      if (!pOk) validate.fail(issues, `${path}.p`, `must be an integer from 1 to ${limits.scryptMaxP}`);
      if (nOk && rOk && pOk) {
        const n = b.N as number;
        const r = b.r as number;
        if (128 * n * r > limits.scryptMaxMemory) {
          validate.fail(issues, path, 'needs more than 256 MiB of memory (128·N·r); refusing to run it');
        }
        if (n * r * (b.p as number) > limits.scryptMaxWork) {
          validate.fail(
            issues,
            path,
            'costs more than 16× the default binding (N·r·p > 2^22); refusing to run it',
          );
        }
      }
      if (!is.base64urlBytes(b.salt, 16))
        validate.fail(issues, `${path}.salt`, 'must be 16 bytes of base64url');
      if (!is.base64urlBytes(b.digest, 32))
        validate.fail(issues, `${path}.digest`, 'must be 32 bytes of base64url');
    },
    params(g: unknown, issues: ClaimIssue[]): void {
      if (!is.record(g)) {
        validate.fail(issues, 'generation_params', 'must be an object');
        return;
      }
      const before = issues.length;
      validate.size(g.length, 1, 'generation_params.length', issues);
      validate.bool(g.has_upper, 'generation_params.has_upper', issues);
      validate.bool(g.has_lower, 'generation_params.has_lower', issues);
      validate.bool(g.has_numbers, 'generation_params.has_numbers', issues);
      validate.bool(g.has_special, 'generation_params.has_special', issues);
      validate.size(g.char_pool_size, 1, 'generation_params.char_pool_size', issues);
      validate.size(g.excluded_characters, 0, 'generation_params.excluded_characters', issues);
      const sizes = g.class_sizes;
      if (!is.record(sizes)) {
        validate.fail(issues, 'generation_params.class_sizes', 'must be an object');
      } else {
        const inner = issues.length;
        validate.size(sizes.upper, 0, 'generation_params.class_sizes.upper', issues);
        validate.size(sizes.lower, 0, 'generation_params.class_sizes.lower', issues);
        validate.size(sizes.digit, 0, 'generation_params.class_sizes.digit', issues);
        validate.size(sizes.special, 0, 'generation_params.class_sizes.special', issues);
        validate.exactKeys(sizes, CLASS_KEYS, inner, 'generation_params.class_sizes.', issues);
      }
      validate.exactKeys(g, PARAM_KEYS, before, 'generation_params.', issues);
    },
    source(s: unknown, issues: ClaimIssue[]): void {
      if (!is.record(s)) {
        validate.fail(issues, 'entropy_source', 'must be an object');
        return;
      }
      const before = issues.length;
      if (!is.printable(s.api, 128))
        validate.fail(issues, 'entropy_source.api', 'must be 1-128 printable characters');
      if (!is.printable(s.runtime, 128)) {
        validate.fail(issues, 'entropy_source.runtime', 'must be 1-128 printable characters');
      }
      if (!is.printable(s.openssl, 128)) {
        validate.fail(issues, 'entropy_source.openssl', 'must be 1-128 printable characters');
      }
      validate.bool(s.fips_mode, 'entropy_source.fips_mode', issues);
      validate.exactKeys(s, SOURCE_KEYS, before, 'entropy_source.', issues);
    },
    standardsMet(list: unknown, asked: unknown, issues: ClaimIssue[]): void {
      if (!Array.isArray(list)) {
        validate.fail(issues, 'standards_met', 'must be an array of standard ids');
        return;
      }
      if (list.length > standardIds.size) {
        // more entries than standards means a repeat or an unknown id; also bounds the loop below
        validate.fail(issues, 'standards_met', `lists more than the ${standardIds.size} known standards`);
        return;
      }
      let includesAsked = false;
      for (let i = 0; i < list.length; i++) {
        const id: unknown = list[i];
        if (!is.standard(id)) validate.fail(issues, `standards_met[${i}]`, 'is not a known standard id');
        else if (list.indexOf(id) !== i) validate.fail(issues, `standards_met[${i}]`, 'is listed twice');
        if (id === asked) includesAsked = true;
      }
      if (is.standard(asked) && !includesAsked)
        validate.fail(issues, 'standards_met', 'must include compliance_standard');
    },
    numericDate(v: unknown): boolean {
      return is.int(v, 0, Number.MAX_SAFE_INTEGER);
    },
    /** Every issue with a set of claims; empty when they satisfy the certificate schema. */
    claims(c: unknown): ClaimIssue[] {
      const issues: ClaimIssue[] = [];
      if (!is.record(c)) {
        validate.fail(issues, '(claims)', 'must be a JSON object');
        return issues;
      }
      // field by field with named reads (the hot path); absent required claims are "missing"
      if (c.jti === undefined) validate.missing(issues, 'jti');
      else if (!is.uuid(c.jti)) validate.fail(issues, 'jti', 'must be a lower-case RFC 9562 UUID');
      if (c.iss === undefined) validate.missing(issues, 'iss');
      else if (!is.printable(c.iss, 256)) validate.fail(issues, 'iss', 'must be 1-256 printable characters');
      if (c.sub === undefined) validate.missing(issues, 'sub');
      else if (!is.printable(c.sub, 128)) validate.fail(issues, 'sub', 'must be 1-128 printable characters');
      const iatOk = validate.numericDate(c.iat);
      const expOk = validate.numericDate(c.exp);
      if (c.iat === undefined) validate.missing(issues, 'iat');
      else if (!iatOk) validate.fail(issues, 'iat', 'must be a NumericDate (whole seconds since 1970)');
      if (c.exp === undefined) validate.missing(issues, 'exp');
      else if (!expOk) validate.fail(issues, 'exp', 'must be a NumericDate (whole seconds since 1970)');
      if (iatOk && expOk && (c.exp as number) <= (c.iat as number)) {
        validate.fail(issues, 'exp', 'must be later than iat');
      }
      if (c.nbf !== undefined) {
        if (!validate.numericDate(c.nbf)) {
          validate.fail(issues, 'nbf', 'must be a NumericDate (whole seconds since 1970)');
        } else if (expOk && (c.nbf as number) >= (c.exp as number)) {
          validate.fail(issues, 'nbf', 'must be earlier than exp');
        }
      }
      if (c.cert_version === undefined) validate.missing(issues, 'cert_version');
      else if (!is.int(c.cert_version, 1, constants.certVersion)) {
        validate.fail(
          issues,
          'cert_version',
          `must be an integer from 1 to ${constants.certVersion} (a newer version needs a newer passgeni)`,
        );
      }
      if (c.compliance_standard === undefined) validate.missing(issues, 'compliance_standard');
      else if (!is.standard(c.compliance_standard)) {
        validate.fail(issues, 'compliance_standard', 'is not a known standard id');
      }
      if (c.standards_met === undefined) validate.missing(issues, 'standards_met');
      else validate.standardsMet(c.standards_met, c.compliance_standard, issues);
      if (c.generation_params === undefined) validate.missing(issues, 'generation_params');
      else validate.params(c.generation_params, issues);
      const bits = c.entropy_bits;
      if (bits === undefined) validate.missing(issues, 'entropy_bits');
      else if (!(typeof bits === 'number' && Number.isFinite(bits) && bits >= 0 && bits <= 65_536)) {
        validate.fail(issues, 'entropy_bits', 'must be a number of bits from 0 to 65536');
      }
      if (c.entropy_source === undefined) validate.missing(issues, 'entropy_source');
      else validate.source(c.entropy_source, issues);
      if (c.generation_session_id === undefined) validate.missing(issues, 'generation_session_id');
      else if (!is.printable(c.generation_session_id, 128)) {
        validate.fail(issues, 'generation_session_id', 'must be 1-128 printable characters');
      }
      if (c.generated_at === undefined) validate.missing(issues, 'generated_at');
      else if (!is.isoMs(c.generated_at)) {
        validate.fail(issues, 'generated_at', 'must be an ISO 8601 UTC time with milliseconds');
      }
      let optional = 0;
      if (c.rotate_by !== undefined) {
        optional++;
        if (!is.isoInstant(c.rotate_by))
          validate.fail(issues, 'rotate_by', 'must be an ISO 8601 UTC date-time');
      }
      if (c.credential_binding !== undefined) {
        optional++;
        validate.binding(c.credential_binding, 'credential_binding', issues);
      }
      if (c.label !== undefined) {
        optional++;
        if (!is.printable(c.label, 128)) validate.fail(issues, 'label', 'must be 1-128 printable characters');
      }
      if (c.nbf !== undefined) optional++;
      // with no issue so far every required claim is present, so a key count of exactly the
      // claims seen means there is no unknown one
      if (issues.length > 0 || Object.keys(c).length !== REQUIRED_CLAIMS.length + optional) {
        validate.unknownKeys(c, KNOWN_CLAIMS, '', issues);
      }
      return issues;
    },
  };

  // reusable buffers: verification is synchronous, so one set per core instance is enough
  const derScratch = Buffer.alloc(72);
  const sigScratch = Buffer.alloc(64);
  const inputScratch = Buffer.alloc(MAX_TOKEN_LENGTH);
  const payloadScratch = Buffer.alloc(MAX_TOKEN_LENGTH);
  const der = {
    /**
     * Whether the token is pure ASCII (one UTF-8 byte per character), as a compact JWS always is.
     * Anything else must be refused before decoding, because Node's base64 decoder reads only the
     * low byte of a character (U+0141 decodes like "A"), which would let altered text verify.
     */
    isAscii(jwt: string): boolean {
      return Buffer.byteLength(jwt, 'utf8') === jwt.length;
    },
    /** The bytes a JWS signature covers (the ASCII text before the last dot), in a reused buffer. */
    signingInput(jwt: string, end: number): Buffer {
      return inputScratch.subarray(0, inputScratch.write(jwt, 0, end, 'latin1'));
    },
    /**
     * JWS carries ECDSA as r‖s (IEEE P1363); OpenSSL speaks DER. Converting here and passing the
     * bare KeyObject is 1.6× faster on Node 24 than `{ key, dsaEncoding: 'ieee-p1363' }` (that
     * options path re-processes the key on every call). Valid only until the next call.
     */
    fromBase64url(signature: string): Buffer | undefined {
      // 64 bytes are exactly 86 characters; the last carries 2 bits and its other 4 must be zero,
      // and Node also decodes "+" and "/": all of that would let one signature be written
      // several ways. Any other stray character makes the decoder yield fewer than 64 bytes.
      const last = signature.charCodeAt(85);
      if (
        signature.length !== 86 ||
        (last !== 0x41 && last !== 0x51 && last !== 0x67 && last !== 0x77) ||
        signature.indexOf('+') !== -1 ||
        signature.indexOf('/') !== -1 ||
        sigScratch.write(signature, 0, 64, 'base64url') !== 64
      ) {
        return undefined;
      }
      const sig = sigScratch;
      let at = 2;
      for (let half = 0; half < 2; half++) {
        let start = half * 32;
        const end = start + 32;
        while (start < end - 1 && sig[start] === 0) start++;
        const pad = (sig[start] as number) >= 0x80 ? 1 : 0;
        derScratch[at] = 0x02;
        derScratch[at + 1] = end - start + pad;
        at += 2;
        if (pad === 1) derScratch[at++] = 0;
        sig.copy(derScratch, at, start, end);
        at += end - start;
      }
      derScratch[0] = 0x30;
      derScratch[1] = at - 2;
      return derScratch.subarray(0, at);
    },
  };

  /**
   * The bulk fast path: judges a decoded payload straight from its bytes, without JSON.parse (after
   * the signature itself, the largest cost per certificate) and without building the claims
   * object, which bulk workers never send back. It answers only "valid, and every check holds" or
   * "don't know": it reads a strict subset of JSON (no whitespace, no escapes, printable ASCII
   * only, plain integers, no repeated keys) and applies the rules of validate.claims to it; any
   * other payload, and any payload that fails a rule or a check, goes to the full path, which
   * also writes every message. So it changes how fast an outcome is reached, never the outcome;
   * test/certificate/claims.test.ts holds it to that against the full path.
   */
  const scanBytes = payloadScratch;
  const STRING_BYTE = new Uint8Array(256).fill(2).fill(0, 0x20, 0x7f);
  STRING_BYTE[0x22] = 1;
  STRING_BYTE[0x5c] = 2;
  /** Key names as bytes: comparing bytes with bytes is about twice as fast as with charCodeAt. */
  const keyBytes = {
    of(names: readonly string[]): Uint8Array[] {
      return names.map((name) => Buffer.from(name, 'latin1'));
    },
  };
  const CLAIM_BYTES = keyBytes.of(CLAIM_LIST);
  const PARAM_BYTES = keyBytes.of(PARAM_LIST);
  const CLASS_BYTES = keyBytes.of(CLASS_LIST);
  const SOURCE_BYTES = keyBytes.of(SOURCE_LIST);
  const BINDING_BYTES = keyBytes.of(BINDING_LIST);
  const STANDARD_BYTES = keyBytes.of(STANDARD_LIST);
  const SCRYPT_BYTES = Buffer.from('scrypt', 'latin1');
  const found = { iat: 0, exp: 0, nbf: -1, issStart: 0, issEnd: 0, compliance: -1, standards: 0 };
  const binding = { N: 0, r: 0, p: 0 };
  let at = 0;
  let strStart = 0;
  let strEnd = 0;
  const KIND_CLAIMS = 0;
  const KIND_PARAMS = 1;
  const KIND_SIZES = 2;
  const KIND_SOURCE = 3;
  const KIND_BINDING = 4;
  const scan = {
    /** Whether the payload of `size` bytes (in payloadScratch) is certainly valid; fills `found`. */
    claims(size: number): boolean {
      // a byte no rule accepts ends every read at the payload's end (the scratch beyond it holds
      // an older token); the scratch is longer than any payload a token can decode to
      scanBytes[size] = 0;
      at = 0;
      found.nbf = -1;
      found.standards = 0;
      if (!scan.object(CLAIM_BYTES, KIND_CLAIMS) || at !== size) return false;
      return (
        found.exp > found.iat &&
        (found.nbf < 0 || found.nbf < found.exp) &&
        (found.standards & (1 << found.compliance)) !== 0
      );
    },
    /** `{"key":value,...}`: known keys, none twice, every key present except optional claims. */
    object(keys: readonly Uint8Array[], kind: number): boolean {
      if (scanBytes[at] !== 0x7b) return false;
      at++;
      let seen = 0;
      let k = -1;
      for (;;) {
        // members usually come in the signer's order: the search starts after the last one
        k = scan.member(keys, k + 1);
        if (k < 0 || (seen & (1 << k)) !== 0 || scanBytes[at] !== 0x3a) return false;
        seen |= 1 << k;
        at++;
        if (!scan.value(kind, k)) return false;
        const c = scanBytes[at++];
        if (c === 0x7d) {
          const all = kind === KIND_CLAIMS ? REQUIRED_MASK : (1 << keys.length) - 1;
          return (seen & all) === all;
        }
        if (c !== 0x2c) return false;
      }
    },
    value(kind: number, k: number): boolean {
      if (kind === KIND_CLAIMS) return scan.claim(k);
      if (kind === KIND_SIZES) return scan.size(0);
      if (kind === KIND_SOURCE) return k === 3 ? scan.bool() : scan.printable(128);
      if (kind === KIND_PARAMS) {
        if (k === 7) return scan.object(CLASS_BYTES, KIND_SIZES);
        return k >= 1 && k <= 4 ? scan.bool() : scan.size(k === 6 ? 0 : 1);
      }
      if (k === 0) return scan.quoted(SCRYPT_BYTES);
      if (k === 4 || k === 5) return scan.base64url(k === 4 ? 16 : 32);
      const v = scan.int();
      if (k === 1) binding.N = v;
      else if (k === 2) binding.r = v;
      else binding.p = v;
      return v >= 0;
    },
    claim(k: number): boolean {
      switch (k) {
        case 0:
          return scan.uuid();
        case 1:
          if (!scan.printable(256)) return false;
          found.issStart = strStart;
          found.issEnd = strEnd;
          return true;
        case 3:
          found.iat = scan.int();
          return found.iat >= 0;
        case 4:
          found.exp = scan.int();
          return found.exp >= 0;
        case 5: {
          const v = scan.int();
          return v >= 1 && v <= constants.certVersion;
        }
        case 6:
          found.compliance = scan.member(STANDARD_BYTES, 0);
          return found.compliance >= 0;
        case 7:
          return scan.standards();
        case 8:
          return scan.object(PARAM_BYTES, KIND_PARAMS);
        case 9:
          return scan.entropyBits();
        case 10:
          return scan.object(SOURCE_BYTES, KIND_SOURCE);
        case 12:
          return scan.iso(true);
        case 13:
          found.nbf = scan.int();
          return found.nbf >= 0;
        case 14:
          return scan.iso(false);
        case 15:
          return scan.binding();
        default:
          return scan.printable(128); // sub, generation_session_id, label
      }
    },
    /** A string without escapes, all printable ASCII, at [strStart, strEnd). */
    str(): boolean {
      const b = scanBytes;
      let i = at;
      if (b[i] !== 0x22) return false;
      const start = ++i;
      // one table load per byte: 0 inside a string, 1 for the closing quote, 2 for a byte outside
      // the subset (control, backslash, non-ASCII)
      let kind: number;
      while ((kind = STRING_BYTE[b[i++] as number] as number) === 0);
      if (kind !== 1) return false;
      strStart = start;
      strEnd = i - 1;
      at = i;
      return true;
    },
    /**
     * The index of the key whose quoted form is next, trying keys[hint] first; -1 when none is
     * (an unknown key, or a known one written with escapes: the full path decides either).
     */
    member(keys: readonly Uint8Array[], hint: number): number {
      for (let n = 0; n < keys.length; n++) {
        const k = hint + n < keys.length ? hint + n : hint + n - keys.length;
        if (scan.quoted(keys[k] as Uint8Array)) return k;
      }
      return -1;
    },
    /**
     * Whether `"name"` comes next, and if so steps past it. Names hold no quote, backslash or
     * control byte, so a match is a complete string. A range running past the payload meets the
     * zero byte at its end, which matches nothing.
     */
    quoted(name: Uint8Array): boolean {
      const b = scanBytes;
      const first = at + 1;
      const size = name.length;
      if (b[at] !== 0x22 || b[first] !== name[0]) return false;
      for (let i = 1; i < size; i++) if (b[first + i] !== name[i]) return false;
      if (b[first + size] !== 0x22) return false;
      at = first + size + 1;
      return true;
    },
    printable(max: number): boolean {
      return scan.str() && strEnd > strStart && strEnd - strStart <= max;
    },
    /** A JSON integer of at most 15 digits, with no sign, fraction or exponent; else -1. */
    int(): number {
      const b = scanBytes;
      const start = at;
      let i = start;
      let v = 0;
      for (;;) {
        const c = b[i] as number;
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + c - 0x30;
        i++;
      }
      at = i;
      const digits = i - start;
      return digits === 0 || digits > 15 || (digits > 1 && b[start] === 0x30) ? -1 : v;
    },
    size(min: number): boolean {
      const v = scan.int();
      return v >= min && v <= MAX_SIZE;
    },
    bool(): boolean {
      const b = scanBytes;
      if (b[at] === 0x74 && b[at + 1] === 0x72 && b[at + 2] === 0x75 && b[at + 3] === 0x65) {
        at += 4;
        return true;
      }
      if (
        b[at] === 0x66 &&
        b[at + 1] === 0x61 &&
        b[at + 2] === 0x6c &&
        b[at + 3] === 0x73 &&
        b[at + 4] === 0x65
      ) {
        at += 5;
        return true;
      }
      return false;
    },
    /** 0 to 65535.x: a plain integer part of up to 5 digits, then an optional fraction. */
    entropyBits(): boolean {
      const whole = scan.int();
      if (whole < 0 || whole > 65_535) return false;
      if (scanBytes[at] !== 0x2e) return true;
      const start = ++at;
      while ((scanBytes[at] as number) >= 0x30 && (scanBytes[at] as number) <= 0x39) at++;
      return at > start;
    },
    /** A list of known standard ids, none twice. */
    standards(): boolean {
      if (scanBytes[at] !== 0x5b) return false;
      at++;
      if (scanBytes[at] === 0x5d) {
        at++;
        return true;
      }
      let id = -1;
      for (;;) {
        id = scan.member(STANDARD_BYTES, id + 1);
        if (id < 0 || (found.standards & (1 << id)) !== 0) return false;
        found.standards |= 1 << id;
        const c = scanBytes[at++];
        if (c === 0x5d) return true;
        if (c !== 0x2c) return false;
      }
    },
    uuid(): boolean {
      if (!scan.str() || strEnd - strStart !== 36) return false;
      for (let i = 0; i < 36; i++) {
        const c = scanBytes[strStart + i] as number;
        if (i === 8 || i === 13 || i === 18 || i === 23) {
          if (c !== 0x2d) return false;
        } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
      }
      const version = scanBytes[strStart + 14] as number;
      const variant = scanBytes[strStart + 19] as number;
      return (
        version >= 0x31 &&
        version <= 0x38 &&
        (variant === 0x38 || variant === 0x39 || variant === 0x61 || variant === 0x62)
      );
    },
    /** The decimal number in `count` digits at `start`, or -1. */
    digits(start: number, count: number): number {
      let v = 0;
      for (let i = start; i < start + count; i++) {
        const c = scanBytes[i] as number;
        if (c < 0x30 || c > 0x39) return -1;
        v = v * 10 + c - 0x30;
      }
      return v;
    },
    /** is.isoInstant (or is.isoMs when `ms`) on the string read. */
    iso(ms: boolean): boolean {
      if (!scan.str()) return false;
      const s = strStart;
      const size = strEnd - s;
      if (ms ? size !== 24 : size !== 20 && (size < 22 || size > 24)) return false;
      const b = scanBytes;
      if (b[s + 4] !== 0x2d || b[s + 7] !== 0x2d || b[s + 10] !== 0x54 || b[s + 13] !== 0x3a) return false;
      if (b[s + 16] !== 0x3a || b[s + size - 1] !== 0x5a) return false;
      if (size > 20 && (b[s + 19] !== 0x2e || scan.digits(s + 20, size - 21) < 0)) return false;
      const year = scan.digits(s, 4);
      const month = scan.digits(s + 5, 2);
      const day = scan.digits(s + 8, 2);
      const hour = scan.digits(s + 11, 2);
      const minute = scan.digits(s + 14, 2);
      const second = scan.digits(s + 17, 2);
      if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return false;
      return is.calendar(year, month, day, hour, minute, second);
    },
    /** is.base64urlBytes on the string read: right length, alphabet, and unused bits zero. */
    base64url(bytes: number): boolean {
      const chars = Math.ceil((bytes * 8) / 6);
      if (!scan.str() || strEnd - strStart !== chars) return false;
      let last = 0;
      for (let i = strStart; i < strEnd; i++) {
        const c = scanBytes[i] as number;
        if (c >= 0x41 && c <= 0x5a) last = c - 0x41;
        else if (c >= 0x61 && c <= 0x7a) last = c - 0x61 + 26;
        else if (c >= 0x30 && c <= 0x39) last = c - 0x30 + 52;
        else if (c === 0x2d) last = 62;
        else if (c === 0x5f) last = 63;
        else return false;
      }
      return last % (1 << (chars * 6 - bytes * 8)) === 0;
    },
    binding(): boolean {
      if (!scan.object(BINDING_BYTES, KIND_BINDING)) return false;
      const { N, r, p } = binding;
      return (
        N >= limits.scryptMinN &&
        N <= limits.scryptMaxN &&
        (N & (N - 1)) === 0 &&
        r >= 1 &&
        r <= limits.scryptMaxR &&
        p >= 1 &&
        p <= limits.scryptMaxP &&
        128 * N * r <= limits.scryptMaxMemory &&
        N * r * p <= limits.scryptMaxWork
      );
    },
    /** Whether the string at [found.issStart, found.issEnd) is `name`. */
    issuerIs(name: string): boolean {
      const size = found.issEnd - found.issStart;
      if (name.length !== size) return false;
      for (let i = 0; i < size; i++) if (name.charCodeAt(i) !== scanBytes[found.issStart + i]) return false;
      return true;
    },
  };

  const headerCache = new Map<string, HeaderInfo>();
  // a batch is almost always signed by one key, i.e. has one header: checked first, without slicing
  const lastHeader = { segment: '', info: undefined as HeaderInfo | undefined };
  const jose = {
    /** The header of a token whose first dot is at d1, usually the same as the previous token's. */
    headerOf(jwt: string, d1: number): HeaderInfo {
      const last = lastHeader.info;
      if (last !== undefined && d1 === lastHeader.segment.length && jwt.startsWith(lastHeader.segment))
        return last;
      const segment = jwt.slice(0, d1);
      const info = jose.header(segment);
      lastHeader.segment = segment;
      lastHeader.info = info;
      return info;
    },
    /** Parses and judges a protected header; the few distinct headers in a batch are cached. */
    header(segment: string): HeaderInfo {
      const cached = headerCache.get(segment);
      if (cached !== undefined) return cached;
      let raw: unknown;
      try {
        raw = B64URL_RE.test(segment)
          ? JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
          : undefined;
      } catch {
        raw = undefined;
      }
      const failures: VerificationFailure[] = [];
      let info: HeaderInfo;
      if (!is.record(raw)) {
        info = { parsed: false, algOk: false, kid: undefined, view: undefined, failures };
      } else {
        const algOk = raw.alg === 'ES256';
        if (!algOk) {
          failures.push(
            text.failure(
              'ALG_NOT_ALLOWED',
              `alg ${text.quote(raw.alg)} is not allowed: certificates are signed with ES256 only`,
            ),
          );
        }
        const typ = raw.typ;
        if (typ !== undefined && (typeof typ !== 'string' || typ.toUpperCase() !== 'JWT')) {
          failures.push(text.failure('MALFORMED', `typ ${text.quote(typ)} is not JWT`));
        }
        if (raw.crit !== undefined) {
          failures.push(
            text.failure('MALFORMED', 'the header marks extensions as critical (crit); none are supported'),
          );
        }
        const kid = typeof raw.kid === 'string' ? raw.kid : undefined;
        const view: VerifiedHeader | undefined =
          algOk && kid !== undefined
            ? Object.freeze(typeof typ === 'string' ? { alg: 'ES256', typ, kid } : { alg: 'ES256', kid })
            : undefined;
        info = { parsed: true, algOk, kid, view, failures: Object.freeze(failures) as VerificationFailure[] };
      }
      if (headerCache.size >= HEADER_CACHE_LIMIT) headerCache.clear();
      headerCache.set(segment, info);
      return info;
    },
  };

  return {
    is,
    limits,
    /** Every issue with a set of claims; empty when valid. */
    claimIssues(c: unknown): ClaimIssue[] {
      return validate.claims(c);
    },
    /** Every issue with a credential binding's parameters; empty when usable. */
    bindingIssues(b: unknown): ClaimIssue[] {
      const issues: ClaimIssue[] = [];
      validate.binding(b, 'credential_binding', issues);
      return issues;
    },
    header(segment: string): HeaderInfo {
      return jose.header(segment);
    },
    /** For tests: whether the bulk fast path (see scan) finds this payload text certainly valid. */
    fastPathAccepts(payload: string): boolean {
      const size = Buffer.byteLength(payload, 'utf8');
      return size < MAX_TOKEN_LENGTH && scan.claims(payloadScratch.write(payload, 0, 'utf8'));
    },
    /** The header of a token whose first dot is at d1 (fast when it repeats the previous one). */
    headerOf(jwt: string, d1: number): HeaderInfo {
      return jose.headerOf(jwt, d1);
    },
    createChecker(options: CheckerOptions) {
      const keys = new Map<string, KeyObject>();
      for (const jwk of options.keys) {
        try {
          const key = crypto.createPublicKey({
            key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
            format: 'jwk',
          });
          keys.set(jwk.kid, key);
        } catch {
          // not a usable public key; parseJwks drops these, so only hand-built key sets get here
        }
      }
      const issuers = options.issuers;
      const tolerance = options.clockToleranceSec;
      const steps = {
        /**
         * Every check but the signature itself, which is queued: bulk callers verify all queued
         * signatures of a batch in one tight loop (see checkMany).
         */
        /** The fast path's checks (see scan) on the claims it found; false sends the token to the full path. */
        holds(nowSec: number, checks: CoreChecks | undefined): boolean {
          if (issuers !== null && !issuers.some(scan.issuerIs)) return false;
          if (found.exp <= nowSec - tolerance || found.nbf > nowSec + tolerance) return false;
          if (checks === undefined) return true;
          const wanted = checks.requireStandard;
          if (wanted !== undefined) {
            const id = STANDARD_LIST.indexOf(wanted);
            if (id < 0 || (found.standards & (1 << id)) === 0) return false;
          }
          const minDays = checks.minDaysRemaining;
          return minDays === undefined || found.exp - nowSec >= minDays * DAY_SEC;
        },
        prepare(
          jwt: unknown,
          nowMs: number,
          checks: CoreChecks | undefined,
          queue: Pending[],
          withClaims: boolean,
        ): CheckOutcome {
          if (typeof jwt !== 'string')
            return text.malformed('a certificate must be a string (a compact JWT)');
          if (jwt.length > MAX_TOKEN_LENGTH) {
            return text.malformed(`longer than ${MAX_TOKEN_LENGTH} characters; not a PassGeni certificate`);
          }
          const d1 = jwt.indexOf('.');
          const d2 = d1 < 0 ? -1 : jwt.indexOf('.', d1 + 1);
          // an empty signature is let through here so that `alg: none` is reported as such
          if (d1 <= 0 || d2 <= d1 + 1 || jwt.indexOf('.', d2 + 1) !== -1) {
            return text.malformed('not a compact JWT: expected three base64url parts separated by dots');
          }
          if (!der.isAscii(jwt)) return text.malformed('contains characters outside the base64url alphabet');
          const header = jose.headerOf(jwt, d1);
          if (!header.parsed) return text.malformed('the header is not a base64url-encoded JSON object');
          const key = header.kid === undefined ? undefined : keys.get(header.kid);
          const size = payloadScratch.write(jwt.slice(d1 + 1, d2), 0, 'base64url');
          if (
            !withClaims &&
            key !== undefined &&
            header.algOk &&
            header.failures.length === 0 &&
            scan.claims(size) &&
            steps.holds(nowMs / 1000, checks)
          ) {
            // the signature's form is checked once, when it is verified (settle)
            const outcome: CheckOutcome = { reasons: [], claims: undefined, header: header.view };
            queue.push({ outcome, jwt, d2, key, at: 0 });
            return outcome;
          }
          let claims: Record<string, unknown> | undefined;
          try {
            const payload: unknown = JSON.parse(payloadScratch.toString('utf8', 0, size));
            if (is.record(payload)) claims = payload;
          } catch {
            claims = undefined;
          }
          if (claims === undefined)
            return text.malformed('the payload is not a base64url-encoded JSON object');

          const reasons: VerificationFailure[] = header.failures.length === 0 ? [] : [...header.failures];
          if (key === undefined) {
            reasons.push(
              text.failure(
                'UNKNOWN_KID',
                header.kid === undefined
                  ? 'the header has no kid, so no key in the JWKS can be chosen'
                  : `kid ${text.quote(header.kid)} is not in the JWKS; use the issuer's current /.well-known/jwks.json (it keeps retired keys)`,
              ),
            );
          }
          let pending: Pending | undefined;
          if (header.algOk && key !== undefined) {
            if (der.fromBase64url(jwt.slice(d2 + 1)) === undefined) {
              reasons.push(text.failure('BAD_SIGNATURE', NOT_P1363));
            } else {
              // reported at this position in the list if it fails
              pending = { outcome: undefined, jwt, d2, key, at: reasons.length };
              queue.push(pending);
            }
          }

          if (issuers !== null && (typeof claims.iss !== 'string' || !issuers.includes(claims.iss))) {
            reasons.push(
              text.failure(
                'WRONG_ISSUER',
                `issued by ${text.quote(claims.iss)}, expected ${issuers.map((i) => text.quote(i)).join(' or ')}`,
              ),
            );
          }
          const nowSec = nowMs / 1000;
          const exp = claims.exp;
          const expired = typeof exp === 'number' && exp <= nowSec - tolerance;
          if (expired) {
            reasons.push(
              text.failure('EXPIRED', `expired at ${text.date(exp)} (checked at ${text.date(nowSec)})`),
            );
          }
          const nbf = claims.nbf;
          if (typeof nbf === 'number' && nbf > nowSec + tolerance) {
            reasons.push(
              text.failure(
                'NOT_YET_VALID',
                `not valid before ${text.date(nbf)} (checked at ${text.date(nowSec)})`,
              ),
            );
          }
          const issues = validate.claims(claims);
          if (issues.length > 0) {
            const missing = issues.filter((i) => i.missing).map((i) => i.path);
            const invalid = issues.filter((i) => !i.missing).map((i) => `${i.path} ${i.message}`);
            if (missing.length > 0) {
              reasons.push(text.failure('MISSING_CLAIMS', `missing required claims: ${missing.join(', ')}`));
            }
            if (invalid.length > 0) {
              const shown = invalid.slice(0, 8).join('; ');
              const more = invalid.length > 8 ? `; and ${invalid.length - 8} more` : '';
              reasons.push(text.failure('INVALID_CLAIMS', `invalid claims: ${shown}${more}`));
            }
          }
          if (checks !== undefined) {
            const wanted = checks.requireStandard;
            if (wanted !== undefined) {
              const met = claims.standards_met;
              if (!Array.isArray(met) || !met.includes(wanted)) {
                const listed = Array.isArray(met) ? met.map((m) => text.quote(m)).join(', ') : 'none';
                reasons.push(
                  text.failure(
                    'STANDARD_NOT_MET',
                    `${wanted} is not among the standards met (listed: ${listed || 'none'})`,
                  ),
                );
              }
            }
            const minDays = checks.minDaysRemaining;
            if (
              minDays !== undefined &&
              typeof exp === 'number' &&
              !expired &&
              exp - nowSec < minDays * DAY_SEC
            ) {
              const left = Math.max(0, (exp - nowSec) / DAY_SEC);
              reasons.push(
                text.failure(
                  'EXPIRES_SOON',
                  `expires at ${text.date(exp)}, in ${left.toFixed(1)} days; at least ${minDays} are required`,
                ),
              );
            }
          }
          const outcome: CheckOutcome = { reasons, claims, header: header.view };
          if (pending !== undefined) pending.outcome = outcome;
          return outcome;
        },
        /** Verifies one queued signature and files BAD_SIGNATURE where it belongs. */
        settle(p: Pending): void {
          const signature = der.fromBase64url(p.jwt.slice(p.d2 + 1));
          if (signature === undefined) {
            p.outcome?.reasons.splice(p.at, 0, text.failure('BAD_SIGNATURE', NOT_P1363));
          } else if (!crypto.verify('sha256', der.signingInput(p.jwt, p.d2), p.key, signature)) {
            p.outcome?.reasons.splice(
              p.at,
              0,
              text.failure(
                'BAD_SIGNATURE',
                'the signature does not match: the certificate was altered or signed by another key',
              ),
            );
          }
        },
      };
      const single: Pending[] = [];
      return {
        check(jwt: unknown, nowMs: number, checks?: CoreChecks): CheckOutcome {
          single.length = 0;
          const outcome = steps.prepare(jwt, nowMs, checks, single, true);
          for (const p of single) steps.settle(p);
          return outcome;
        },
        /**
         * The same checks over a batch, signatures last in one loop: interleaving crypto.verify
         * with JSON parsing and claim checks made those checks cost about twice their own time
         * in cache and branch-predictor misses (measured); grouped, they cost only their own.
         */
        /**
         * With `withClaims` false, outcomes of valid certificates carry no claims (only their
         * reasons are wanted, as in bulk workers), which lets the fast path skip parsing them.
         */
        checkMany(
          jwts: ReadonlyArray<unknown>,
          nowMs: number,
          checks?: CoreChecks,
          withClaims = true,
        ): CheckOutcome[] {
          const outcomes: CheckOutcome[] = new Array<CheckOutcome>(jwts.length);
          const queue: Pending[] = [];
          // groups of 64 already get the full benefit, and keep few parsed payloads alive at once
          for (let start = 0; start < jwts.length; start += 64) {
            const end = Math.min(jwts.length, start + 64);
            queue.length = 0;
            for (let i = start; i < end; i++)
              outcomes[i] = steps.prepare(jwts[i], nowMs, checks, queue, withClaims);
            for (const p of queue) steps.settle(p);
          }
          return outcomes;
        },
      };
    },
  };
}
