import { createHash } from 'node:crypto';
import { assertedClaims } from '../../certificate/claims.js';
import type { CertificateClaims, Workload } from '../../certificate/index.js';
import type { CertificateStatusResponse } from '../types.js';
import { escapeHtml } from '../../lib/html.js';

/**
 * The public certificate page (GET /cert/:id): what an auditor who follows a certificate URL
 * sees. Everything shown comes from the certificate or the issuer's record and is HTML-escaped;
 * the page loads nothing from anywhere, and its Content-Security-Policy allows only its own
 * inline style and copy script, by hash.
 */

export interface PageContext {
  issuerId: string;
  publicUrl: string;
  jwksUrl: string;
}

/** Where the certificate is in the transparency log; undefined = not logged yet. */
export interface LogPosition {
  leafIndex: number;
  treeSize: number;
  /** The TSA's time in the checkpoint's RFC 3161 timestamp, when it has one. */
  timestampedAt?: Date;
}

const STYLE = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:860px;margin:0 auto;padding:24px 16px 48px}
header p{margin:0;color:var(--muted);font-size:14px;overflow-wrap:anywhere}
h1{font-size:22px;margin:4px 0 20px;word-break:break-all}
h2{font-size:18px;margin:32px 0 12px}
a{color:#0969da}
.status{border-radius:10px;padding:20px 24px;color:#fff}
.status p{margin:0}
.status .word{font-size:clamp(30px,9vw,56px);font-weight:800;letter-spacing:.04em;line-height:1.1;overflow-wrap:anywhere}
.status .why{font-size:18px;margin-top:8px}
.valid{background:#1a7f37}.pending{background:#9a6700}.expired{background:#6e7781}.revoked{background:#cf222e}.missing{background:#6e7781}
dl{display:grid;grid-template-columns:minmax(160px,240px) minmax(0,1fr);gap:0;margin:0;background:#fff;border:1px solid var(--line);border-radius:10px;overflow:hidden}
dt,dd{margin:0;padding:10px 14px;border-bottom:1px solid var(--line)}
dt{font-weight:600;color:var(--muted)}
dd{overflow-wrap:anywhere}
dl>:nth-last-child(-n+2){border-bottom:0}
code,pre,textarea{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px;max-width:100%;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
textarea{width:100%;min-height:130px;padding:10px;border:1px solid var(--line);border-radius:8px;background:#fff;word-break:break-all;resize:vertical}
.jwt-print{display:none}
.actions{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin-top:8px}
.actions a,.actions button{font:inherit;font-size:15px;padding:6px 14px;border-radius:6px;border:1px solid var(--line);background:#fff;color:var(--ink);text-decoration:none;cursor:pointer}
.note{color:var(--muted);font-size:14px;overflow-wrap:anywhere}
footer{margin-top:40px;color:var(--muted);font-size:13px}
@media (max-width:600px){
main{padding:16px 12px 32px}
dl{grid-template-columns:minmax(0,1fr)}
dt{border-bottom:0;padding-bottom:0}
dl>dt:nth-last-child(2){border-bottom:0}
}
@page{size:A4;margin:12mm}
@media print{
body{background:#fff;font-size:10pt}
main{max-width:none;padding:0}
h1{font-size:15pt;margin:2pt 0 8pt}
h2{font-size:12pt;margin:14pt 0 6pt;break-after:avoid}
.status{padding:8pt 12pt;border-radius:6px}
.status .word{font-size:24pt}
.status .why{font-size:11pt;margin-top:2pt}
.status,.status *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
dt,dd{padding:3pt 8pt}
dl{grid-template-columns:150px minmax(0,1fr)}
dt,dd,pre,.status{break-inside:avoid}
pre{padding:6pt 8pt}
code,pre{font-size:8.5pt}
textarea,.actions{display:none}
.jwt-print{display:block;word-break:break-all;white-space:pre-wrap}
dd a[href^="http"]::after{content:" (" attr(href) ")";overflow-wrap:anywhere}
footer{margin-top:14pt}
}
`;

const SCRIPT = `document.getElementById('copy').addEventListener('click',function(){var t=document.getElementById('jwt');t.select();var b=this;var done=function(){b.textContent='Copied';};if(navigator.clipboard){navigator.clipboard.writeText(t.value).then(done,function(){document.execCommand('copy');done();});}else{document.execCommand('copy');done();}});`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Nothing but the page's own style and script; no frames, forms, plugins or remote loads. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src ${hash(STYLE)}`,
  `script-src ${hash(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function when(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return escapeHtml(iso);
  // ISO-like UTC, unambiguous for readers anywhere: 2025-01-31 12:00:00 UTC
  return escapeHtml(`${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`);
}

function day(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? escapeHtml(iso) : escapeHtml(d.toISOString().slice(0, 10));
}

function classesOf(claims: CertificateClaims): string {
  const p = claims.generation_params;
  const sizes = p.class_sizes;
  const parts: string[] = [];
  if (p.has_upper) parts.push(`upper-case letters (${sizes.upper})`);
  if (p.has_lower) parts.push(`lower-case letters (${sizes.lower})`);
  if (p.has_numbers) parts.push(`digits (${sizes.digit})`);
  if (p.has_special) parts.push(`special characters (${sizes.special})`);
  const excluded = p.excluded_characters > 0 ? `; ${p.excluded_characters} character(s) excluded` : '';
  return `${p.length} characters, at least one of each of: ${parts.join(', ')}; ${p.char_pool_size} possible characters in all${excluded}`;
}

const KIND_WORDS = {
  service: 'service (a machine uses it: database, API, service account)',
  user: 'user (a person logs in with it)',
} as const;

function rotateByText(c: CertificateClaims): string {
  if (!c.rotate_by) return 'No fixed rotation for this credential: change it if it is compromised';
  if (c.cert_version === 1) return day(c.rotate_by);
  const basis =
    c.rotation_basis === 'risk-analysis'
      ? "the period the user's own risk analysis set"
      : `the period the standard's clause sets for ${escapeHtml(c.credential_kind)} credentials`;
  return `${day(c.rotate_by)} (${basis})`;
}

function statusBlock(s: CertificateStatusResponse): string {
  if (s.status === 'revoked') {
    const reason = s.revocation_reason ? ` Reason: ${escapeHtml(s.revocation_reason)}.` : '';
    return `<section class="status revoked" role="status" aria-live="polite">
<p class="word">REVOKED</p>
<p class="why">Revoked on ${when(s.revoked_at)}.${reason} Do not rely on this certificate.</p>
</section>`;
  }
  if (s.status === 'expired') {
    return `<section class="status expired" role="status">
<p class="word">EXPIRED</p>
<p class="why">Expired on ${when(s.expires_at)}. It was valid from ${when(s.issued_at)} until then.</p>
</section>`;
  }
  if (s.status === 'pending') {
    return `<section class="status pending" role="status">
<p class="word">PENDING — NOT VALID</p>
<p class="why">The issuer has not yet been told that any store holds this credential. Do not rely on this certificate: unless it is activated by ${when(s.activate_by)}, the issuer revokes it (reason not-stored).</p>
</section>`;
  }
  return `<section class="status valid" role="status">
<p class="word">VALID</p>
<p class="why">Signed by this issuer, not revoked, and valid until ${when(s.expires_at)}.</p>
</section>`;
}

/**
 * The `kid` of the JWT's protected header: the key (in the JWKS) an auditor checks the signature
 * with. Shown as the issuer signed it; a header that does not decode shows as unreadable.
 */
function keyIdOf(jwt: string): string {
  try {
    const header = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      kid?: unknown;
    };
    return typeof header.kid === 'string' ? header.kid : '(no key id in the certificate header)';
  } catch {
    return '(certificate header unreadable)';
  }
}

export function renderCertificatePage(
  s: CertificateStatusResponse,
  ctx: PageContext,
  log?: LogPosition,
): string {
  const c = s.claims;
  const asserted = assertedClaims(c);
  const binding = asserted.credential_binding;
  const source = asserted.entropy_source;
  // runs as printed (test/issuer/identity.test.ts): it fetches the token itself and pins the
  // issuer's identity, which does not change with the address the page is served from
  const verifyCode = `import { createRemoteJWKSet, jwtVerify } from 'jose';

// the certificate below (or paste it as a string)
const certificate = await (await fetch(${JSON.stringify(`${ctx.publicUrl}/cert/${s.cert_id}/jwt`)})).text();
const jwks = createRemoteJWKSet(new URL(${JSON.stringify(ctx.jwksUrl)}));
const { payload } = await jwtVerify(certificate, jwks, {
  issuer: ${JSON.stringify(ctx.issuerId)},
  algorithms: ['ES256'],
});
console.log(payload.jti, payload.standards_met);
// Signed by this issuer. payload.standards_met, payload.entropy_bits, ... are what it verified;
// payload.asserted is what the client said, recorded but not checked.
// Revocation is not inside the token: check ${s.cert_url}`;
  const cliCode = `passgeni verify ${s.cert_url} --issuer ${shellQuote(ctx.issuerId)}

# fully offline, with the certificate and the key set saved beforehand:
passgeni verify certificate.jwt --jwks jwks.json --issuer ${shellQuote(ctx.issuerId)}`;
  const verified: Array<[string, string]> = [
    ['Standard asked for', escapeHtml(c.compliance_standard)],
    [
      'Credential kind',
      c.cert_version === 2
        ? escapeHtml(KIND_WORDS[c.credential_kind])
        : 'Not recorded (a version 1 certificate: its standards were judged by the clauses for user passwords)',
    ],
    [
      'Standards met',
      `${escapeHtml(c.standards_met.join(', '))} (recomputed by the issuer from the parameters)`,
    ],
    [
      'Entropy',
      `${escapeHtml(c.entropy_bits)} bits (exact count of possible credentials, rounded down; recomputed by the issuer)`,
    ],
    ['Length and characters', escapeHtml(classesOf(c))],
    ['Certified at', when(new Date(c.iat * 1000).toISOString())],
    ['Expires', when(s.expires_at)],
    ['Rotate by', rotateByText(c)],
    [
      'Transparency log',
      log
        ? `Logged at index ${log.leafIndex}, included in checkpoint of size ${log.treeSize} (<a href="/api/v1/certificates/${escapeHtml(s.cert_id)}/inclusion">inclusion proof</a>, <a href="/log/checkpoint">checkpoint</a>)${log.timestampedAt ? `; logged no later than ${escapeHtml(log.timestampedAt.toISOString())} (the checkpoint's RFC 3161 timestamp)` : ''}`
        : 'Not logged yet: certificates are logged within a second of issuance',
    ],
    ['Certificate id', `<code>${escapeHtml(c.jti)}</code>`],
    ['Issuer', `<code>${escapeHtml(c.iss)}</code>`],
    [
      'Signing key',
      `<code>${escapeHtml(keyIdOf(s.certificate))}</code> in the issuer's <a href="${escapeHtml(ctx.jwksUrl)}" rel="noopener">public key set (JWKS)</a>`,
    ],
    ['Team (opaque id)', `<code>${escapeHtml(c.sub)}</code>`],
    ...(c.cert_version === 2 && c.workload !== undefined
      ? ([['Requested by workload', workloadHtml(c.workload)]] as Array<[string, string]>)
      : []),
    ['Generation session', `<code>${escapeHtml(c.generation_session_id)}</code>`],
  ];
  const claimed: Array<[string, string]> = [
    [
      'Randomness source',
      `${escapeHtml(source.api)} on ${escapeHtml(source.runtime)}, OpenSSL ${escapeHtml(source.openssl)}; FIPS mode ${source.fips_mode ? 'on' : 'off'}${source.fips_provider ? ` (provider ${escapeHtml(source.fips_provider.name)} ${escapeHtml(source.fips_provider.version)})` : ''}`,
    ],
    [
      'Generated at',
      `${when(asserted.generated_at)} (the issuer accepted it only within 15 minutes of its own clock)`,
    ],
    [
      'Credential binding',
      binding
        ? `Present (scrypt, N=${escapeHtml(binding.N)}, r=${escapeHtml(binding.r)}, p=${escapeHtml(binding.p)}): a commitment the issuer cannot check; whoever holds the credential can check it is the one certified (<code>passgeni verify --credential-from</code>)`
        : 'None: this certificate is not tied to one specific credential value',
    ],
    ...(asserted.label !== undefined
      ? ([['Label', escapeHtml(asserted.label)]] as Array<[string, string]>)
      : []),
  ];
  const dl = (rows: Array<[string, string]>) =>
    `<dl>\n${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('\n')}\n</dl>`;
  return page(
    `${s.status.toUpperCase()} · PassGeni certificate ${s.cert_id.slice(0, 8)}`,
    `<header><p>PassGeni compliance certificate · issuer ${escapeHtml(ctx.issuerId)}</p></header>
<h1>Certificate ${escapeHtml(s.cert_id)}</h1>
${statusBlock(s)}
<h2>What the issuer verified</h2>
<p class="note">The issuer checked or computed these itself from the generation parameters it was sent.</p>
${dl(verified)}
<h2>What the client asserted</h2>
<p class="note">The generating client said these, and the issuer recorded them as said: it cannot see the client's process or the credential, so they are not verified.${c.cert_version === 1 ? ' (A version 1 certificate: these sit beside the verified claims in its payload.)' : ''}</p>
${dl(claimed)}
<h2>Verify it yourself</h2>
<p>The certificate is a JSON Web Token signed with ES256. Anyone can check the signature against this issuer's public keys, with any JOSE library:</p>
<pre><code>${escapeHtml(verifyCode)}</code></pre>
<p>or with the PassGeni command line (installed at an exact version, as its README says):</p>
<pre><code>${escapeHtml(cliCode)}</code></pre>
<p class="note">Public keys: <a href="${escapeHtml(ctx.jwksUrl)}" rel="noopener"><code>${escapeHtml(ctx.jwksUrl)}</code></a>. The status above (revoked or not) is also served as JSON at this address with <code>Accept: application/json</code>.</p>
<h2>The certificate</h2>
<textarea id="jwt" readonly spellcheck="false" aria-label="Certificate (JWT)">${escapeHtml(s.certificate)}</textarea>
<pre class="jwt-print" aria-hidden="true">${escapeHtml(s.certificate)}</pre>
<div class="actions"><a href="/cert/${escapeHtml(s.cert_id)}/jwt" download="passgeni-${escapeHtml(s.cert_id)}.jwt">Download .jwt</a><button type="button" id="copy">Copy</button></div>
<footer>The issuer never sees the credential itself: this certificate records how it was generated, not what it is.</footer>`,
    true,
  );
}

export function renderNotFoundPage(ctx: PageContext): string {
  return page(
    'Certificate not found · PassGeni',
    `<header><p>PassGeni compliance certificate · issuer ${escapeHtml(ctx.issuerId)}</p></header>
<h1>No such certificate</h1>
<section class="status missing" role="status"><p class="word">NOT FOUND</p>
<p class="why">This issuer has no certificate with that id. Check the link: a certificate URL ends in /cert/ followed by a UUID.</p></section>
<footer>Certificates are published at ${escapeHtml(ctx.publicUrl)}/cert/&lt;id&gt;.</footer>`,
    false,
  );
}

function page(title: string, body: string, withScript: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
${withScript ? `<script>${SCRIPT}</script>` : ''}
</body>
</html>
`;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The issuer-verified CI identity, one claim a line (names as the certificate spells them). */
function workloadHtml(workload: Workload): string {
  const lines = Object.entries(workload).map(
    ([name, value]) => `<code>${escapeHtml(name)}</code> ${escapeHtml(value)}`,
  );
  return `${lines.join('<br>')}<br><small>Verified by this issuer from the workload's OIDC token (never the person who started it).</small>`;
}
