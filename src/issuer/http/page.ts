import { createHash } from 'node:crypto';
import type { CertificateClaims } from '../../certificate/index.js';
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
}

const STYLE = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:860px;margin:0 auto;padding:24px 16px 48px}
header p{margin:0;color:var(--muted);font-size:14px}
h1{font-size:22px;margin:4px 0 20px;word-break:break-all}
h2{font-size:18px;margin:32px 0 12px}
.status{border-radius:10px;padding:20px 24px;color:#fff}
.status p{margin:0}
.status .word{font-size:56px;font-weight:800;letter-spacing:.04em;line-height:1.1}
.status .why{font-size:18px;margin-top:8px}
.valid{background:#1a7f37}.pending{background:#9a6700}.expired{background:#6e7781}.revoked{background:#cf222e}.missing{background:#6e7781}
dl{display:grid;grid-template-columns:minmax(160px,240px) 1fr;gap:0;margin:0;background:#fff;border:1px solid var(--line);border-radius:10px;overflow:hidden}
dt,dd{margin:0;padding:10px 14px;border-bottom:1px solid var(--line)}
dt{font-weight:600;color:var(--muted)}
dd{word-break:break-word}
dl>:nth-last-child(-n+2){border-bottom:0}
code,pre,textarea{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px;overflow-x:auto;white-space:pre}
textarea{width:100%;min-height:130px;padding:10px;border:1px solid var(--line);border-radius:8px;background:#fff;word-break:break-all;resize:vertical}
.actions{display:flex;gap:12px;align-items:center;margin-top:8px}
.actions a,.actions button{font:inherit;font-size:15px;padding:6px 14px;border-radius:6px;border:1px solid var(--line);background:#fff;color:var(--ink);text-decoration:none;cursor:pointer}
.note{color:var(--muted);font-size:14px}
footer{margin-top:40px;color:var(--muted);font-size:13px}
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

export function renderCertificatePage(
  s: CertificateStatusResponse,
  ctx: PageContext,
  log?: LogPosition,
): string {
  const c = s.claims;
  const binding = c.credential_binding;
  const source = c.entropy_source;
  const verifyCode = `import { createRemoteJWKSet, jwtVerify } from 'jose';

const jwks = createRemoteJWKSet(new URL(${JSON.stringify(ctx.jwksUrl)}));
const { payload } = await jwtVerify(certificate, jwks, {
  issuer: ${JSON.stringify(ctx.issuerId)},
  algorithms: ['ES256'],
});
// payload.standards_met, payload.entropy_bits, ... are now trusted.
// Revocation is not inside the token: check ${s.cert_url}`;
  const cliCode = `npx passgeni verify ${s.cert_url} --issuer ${shellQuote(ctx.issuerId)}

# fully offline, with the certificate and the key set saved beforehand:
npx passgeni verify certificate.jwt --jwks jwks.json --issuer ${shellQuote(ctx.issuerId)}`;
  const rows: Array<[string, string]> = [
    ['Standard asked for', escapeHtml(c.compliance_standard)],
    ['Standards met', escapeHtml(c.standards_met.join(', '))],
    ['Entropy', `${escapeHtml(c.entropy_bits)} bits (exact count of possible credentials, rounded down)`],
    ['Length and characters', escapeHtml(classesOf(c))],
    ['Generated at', when(c.generated_at)],
    ['Certified at', when(new Date(c.iat * 1000).toISOString())],
    ['Expires', when(s.expires_at)],
    [
      'Rotate by',
      c.rotate_by
        ? day(c.rotate_by)
        : 'No fixed rotation for this standard: change the credential if it is compromised',
    ],
    [
      'Randomness source',
      `${escapeHtml(source.api)} on ${escapeHtml(source.runtime)}, OpenSSL ${escapeHtml(source.openssl)}; FIPS mode ${source.fips_mode ? 'on' : 'off'}`,
    ],
    [
      'Credential binding',
      binding
        ? `Present (scrypt, N=${escapeHtml(binding.N)}, r=${escapeHtml(binding.r)}, p=${escapeHtml(binding.p)}): whoever holds the credential can check it is the one certified (<code>passgeni verify --credential-from</code>)`
        : 'None: this certificate is not tied to one specific credential value',
    ],
    ...(c.label !== undefined ? ([['Label', escapeHtml(c.label)]] as Array<[string, string]>) : []),
    [
      'Transparency log',
      log
        ? `Logged at index ${log.leafIndex}, included in checkpoint of size ${log.treeSize} (<a href="/api/v1/certificates/${escapeHtml(s.cert_id)}/inclusion">inclusion proof</a>, <a href="/log/checkpoint">checkpoint</a>)`
        : 'Not logged yet: certificates are logged within a second of issuance',
    ],
    ['Certificate id', `<code>${escapeHtml(c.jti)}</code>`],
    ['Issuer', `<code>${escapeHtml(c.iss)}</code>`],
    ['Team (opaque id)', `<code>${escapeHtml(c.sub)}</code>`],
    ['Generation session', `<code>${escapeHtml(c.generation_session_id)}</code>`],
  ];
  return page(
    `${s.status.toUpperCase()} · PassGeni certificate ${s.cert_id.slice(0, 8)}`,
    `<header><p>PassGeni compliance certificate · issuer ${escapeHtml(ctx.issuerId)}</p></header>
<h1>Certificate ${escapeHtml(s.cert_id)}</h1>
${statusBlock(s)}
<h2>What it certifies</h2>
<dl>
${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('\n')}
</dl>
<h2>Verify it yourself</h2>
<p>The certificate is a JSON Web Token signed with ES256. Anyone can check the signature against this issuer's public keys, with any JOSE library:</p>
<pre><code>${escapeHtml(verifyCode)}</code></pre>
<p>or with the PassGeni command line:</p>
<pre><code>${escapeHtml(cliCode)}</code></pre>
<p class="note">Public keys: <code>${escapeHtml(ctx.jwksUrl)}</code>. The status above (revoked or not) is also served as JSON at this address with <code>Accept: application/json</code>.</p>
<h2>The certificate</h2>
<textarea id="jwt" readonly spellcheck="false" aria-label="Certificate (JWT)">${escapeHtml(s.certificate)}</textarea>
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
