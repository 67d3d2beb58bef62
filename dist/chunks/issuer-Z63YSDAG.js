import {
  DATA_DIR_KEY_FILE,
  Issuer,
  IssuerServiceError,
  MIGRATIONS,
  SCHEMA_VERSION,
  createApiKey,
  ensureTeam,
  httpStatusOf,
  listApiKeys,
  messageOf,
  migrate,
  openDatabase,
  openIssuer,
  recordServingUrl,
  redactDatabaseUrl,
  resolveLimits,
  revokeApiKey,
  rotateKeyFile
} from "./chunk-CEFTIY5V.js";
import {
  escapeHtml
} from "./chunk-KBWD4TVH.js";
import "./chunk-UMWL732H.js";
import "./chunk-IEG7A5BP.js";
import "./chunk-QUX7DFRJ.js";
import "./chunk-VFYYTOKF.js";
import {
  isPassgeniError
} from "./chunk-FKYOR5TL.js";

// src/issuer/http/server.ts
import { createHash as createHash2, timingSafeEqual } from "node:crypto";
import Fastify, { LogController } from "fastify";

// src/issuer/http/identity.ts
import { calculateJwkThumbprint } from "jose";
async function identityDocument(issuer) {
  const keys = await Promise.all(
    issuer.jwks().keys.map(async ({ kid, kty, crv, x, y }) => ({
      kid,
      thumbprint: await calculateJwkThumbprint({ kty, crv, x, y }, "sha256")
    }))
  );
  return {
    issuer: issuer.issuerId,
    jwks_uri: issuer.jwksUrl,
    certificate_url_prefix: `${issuer.publicUrl}/cert/`,
    api: `${issuer.publicUrl}/api/v1`,
    keys
  };
}

// src/issuer/http/page.ts
import { createHash } from "node:crypto";
var STYLE = `
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
var SCRIPT = `document.getElementById('copy').addEventListener('click',function(){var t=document.getElementById('jwt');t.select();var b=this;var done=function(){b.textContent='Copied';};if(navigator.clipboard){navigator.clipboard.writeText(t.value).then(done,function(){document.execCommand('copy');done();});}else{document.execCommand('copy');done();}});`;
var hash = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
var PAGE_CSP = [
  "default-src 'none'",
  `style-src ${hash(STYLE)}`,
  `script-src ${hash(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join("; ");
function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return escapeHtml(iso);
  return escapeHtml(`${d.toISOString().slice(0, 19).replace("T", " ")} UTC`);
}
function day(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? escapeHtml(iso) : escapeHtml(d.toISOString().slice(0, 10));
}
function classesOf(claims) {
  const p = claims.generation_params;
  const sizes = p.class_sizes;
  const parts = [];
  if (p.has_upper) parts.push(`upper-case letters (${sizes.upper})`);
  if (p.has_lower) parts.push(`lower-case letters (${sizes.lower})`);
  if (p.has_numbers) parts.push(`digits (${sizes.digit})`);
  if (p.has_special) parts.push(`special characters (${sizes.special})`);
  const excluded = p.excluded_characters > 0 ? `; ${p.excluded_characters} character(s) excluded` : "";
  return `${p.length} characters, at least one of each of: ${parts.join(", ")}; ${p.char_pool_size} possible characters in all${excluded}`;
}
function statusBlock(s) {
  if (s.status === "revoked") {
    const reason = s.revocation_reason ? ` Reason: ${escapeHtml(s.revocation_reason)}.` : "";
    return `<section class="status revoked" role="status" aria-live="polite">
<p class="word">REVOKED</p>
<p class="why">Revoked on ${when(s.revoked_at)}.${reason} Do not rely on this certificate.</p>
</section>`;
  }
  if (s.status === "expired") {
    return `<section class="status expired" role="status">
<p class="word">EXPIRED</p>
<p class="why">Expired on ${when(s.expires_at)}. It was valid from ${when(s.issued_at)} until then.</p>
</section>`;
  }
  if (s.status === "pending") {
    return `<section class="status pending" role="status">
<p class="word">PENDING \u2014 NOT VALID</p>
<p class="why">The issuer has not yet been told that any store holds this credential. Do not rely on this certificate: unless it is activated by ${when(s.activate_by)}, the issuer revokes it (reason not-stored).</p>
</section>`;
  }
  return `<section class="status valid" role="status">
<p class="word">VALID</p>
<p class="why">Signed by this issuer, not revoked, and valid until ${when(s.expires_at)}.</p>
</section>`;
}
function renderCertificatePage(s, ctx) {
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
  const rows = [
    ["Standard asked for", escapeHtml(c.compliance_standard)],
    ["Standards met", escapeHtml(c.standards_met.join(", "))],
    ["Entropy", `${escapeHtml(c.entropy_bits)} bits (exact count of possible credentials, rounded down)`],
    ["Length and characters", escapeHtml(classesOf(c))],
    ["Generated at", when(c.generated_at)],
    ["Certified at", when(new Date(c.iat * 1e3).toISOString())],
    ["Expires", when(s.expires_at)],
    [
      "Rotate by",
      c.rotate_by ? day(c.rotate_by) : "No fixed rotation for this standard: change the credential if it is compromised"
    ],
    [
      "Randomness source",
      `${escapeHtml(source.api)} on ${escapeHtml(source.runtime)}, OpenSSL ${escapeHtml(source.openssl)}; FIPS mode ${source.fips_mode ? "on" : "off"}`
    ],
    [
      "Credential binding",
      binding ? `Present (scrypt, N=${escapeHtml(binding.N)}, r=${escapeHtml(binding.r)}, p=${escapeHtml(binding.p)}): whoever holds the credential can check it is the one certified (<code>passgeni verify --credential-from</code>)` : "None: this certificate is not tied to one specific credential value"
    ],
    ...c.label !== void 0 ? [["Label", escapeHtml(c.label)]] : [],
    ["Certificate id", `<code>${escapeHtml(c.jti)}</code>`],
    ["Issuer", `<code>${escapeHtml(c.iss)}</code>`],
    ["Team (opaque id)", `<code>${escapeHtml(c.sub)}</code>`],
    ["Generation session", `<code>${escapeHtml(c.generation_session_id)}</code>`]
  ];
  return page(
    `${s.status.toUpperCase()} \xB7 PassGeni certificate ${s.cert_id.slice(0, 8)}`,
    `<header><p>PassGeni compliance certificate \xB7 issuer ${escapeHtml(ctx.issuerId)}</p></header>
<h1>Certificate ${escapeHtml(s.cert_id)}</h1>
${statusBlock(s)}
<h2>What it certifies</h2>
<dl>
${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join("\n")}
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
    true
  );
}
function renderNotFoundPage(ctx) {
  return page(
    "Certificate not found \xB7 PassGeni",
    `<header><p>PassGeni compliance certificate \xB7 issuer ${escapeHtml(ctx.issuerId)}</p></header>
<h1>No such certificate</h1>
<section class="status missing" role="status"><p class="word">NOT FOUND</p>
<p class="why">This issuer has no certificate with that id. Check the link: a certificate URL ends in /cert/ followed by a UUID.</p></section>
<footer>Certificates are published at ${escapeHtml(ctx.publicUrl)}/cert/&lt;id&gt;.</footer>`,
    false
  );
}
function page(title, body, withScript) {
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
${withScript ? `<script>${SCRIPT}</script>` : ""}
</body>
</html>
`;
}
function shellQuote(value) {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

// src/issuer/http/server.ts
var REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  "headers.authorization",
  "headers.cookie",
  "authorization",
  "apiKey",
  "key",
  "token"
];
var JSON_TYPE = "application/json; charset=utf-8";
var HTML_TYPE = "text/html; charset=utf-8";
function buildServer(options) {
  const { issuer } = options;
  const redact = { paths: REDACTED_PATHS, censor: "[redacted]" };
  const app = Fastify({
    // the biggest valid body is under 2 KiB
    bodyLimit: 16 * 1024,
    trustProxy: trustProxySetting(options.trustProxy),
    // one access-log line per request is written below, after the response, with the route
    logController: new LogController({ disableRequestLogging: true }),
    // slow clients must not hold connections (and with them, graceful shutdown) forever
    requestTimeout: 3e4,
    connectionTimeout: 6e4,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    logger: typeof options.logger === "object" ? { ...options.logger, redact } : options.logger === true && { level: "info", redact }
  });
  const metrics = issuer.metrics;
  app.removeContentTypeParser("text/plain");
  async function rejectedWithKey(request, reply, code) {
    if (bearerToken(request.headers.authorization) === "") return void 0;
    try {
      await issuer.recordRejected(
        callerOf(request, reply),
        `${request.method} ${request.routeOptions.url ?? "unmatched"}`,
        code
      );
      return void 0;
    } catch (error) {
      return error;
    }
  }
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    reply.header("x-frame-options", "DENY");
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    const seconds = reply.elapsedTime / 1e3;
    metrics.httpRequests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route }, seconds);
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: request.ip
      },
      "request"
    );
  });
  app.setErrorHandler(async (thrown, request, reply) => {
    let error = thrown;
    if (!isPassgeniError(error)) {
      const refused = errorResponse(error);
      if (refused.status < 500)
        error = await rejectedWithKey(request, reply, String(refused.body.code)) ?? error;
    }
    const { status, body, retryAfter } = errorResponse(error);
    if (status >= 500) {
      request.log.error({ err: { message: messageOf(error), code: errorCode(error) } }, "request failed");
    }
    if (retryAfter !== void 0) reply.header("retry-after", String(retryAfter));
    return reply.code(status).type(JSON_TYPE).send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const refused = await rejectedWithKey(request, reply, "NOT_FOUND");
    if (refused !== void 0) throw refused;
    if (request.method === "GET" && wantsHtml(request)) {
      return reply.code(404).type(HTML_TYPE).header("content-security-policy", PAGE_CSP).send(renderNotFoundPage(issuer));
    }
    return reply.code(404).type(JSON_TYPE).send({ error: "No such endpoint. See docs/protocol.md.", code: "NOT_FOUND" });
  });
  app.post("/api/v1/sessions", async (request, reply) => {
    const result = await issuer.createSession(callerOf(request, reply), request.body);
    return reply.code(201).type(JSON_TYPE).send(result);
  });
  app.post("/api/v1/certificates", async (request, reply) => {
    const key = request.headers["idempotency-key"];
    const { replayed, ...result } = await issuer.issueCertificate(
      callerOf(request, reply),
      request.body,
      // repeated, the header arrives as an array: refused as not a valid key
      Array.isArray(key) ? key.join(",") : key
    );
    return reply.code(replayed ? 200 : 201).type(JSON_TYPE).header("location", result.cert_url).send(result);
  });
  app.get("/api/v1/certificates", async (request, reply) => {
    const result = await issuer.listCertificates(callerOf(request, reply), queryOf(request));
    return reply.type(JSON_TYPE).send(result);
  });
  app.get("/api/v1/events", async (request, reply) => {
    const result = await issuer.listEvents(callerOf(request, reply), queryOf(request));
    return reply.type(JSON_TYPE).send(result);
  });
  app.get("/api/v1/certificates/:id", async (request, reply) => {
    const result = await issuer.getCertificate(paramId(request), { ip: request.ip, via: "api" });
    return reply.type(JSON_TYPE).header("access-control-allow-origin", "*").send(result);
  });
  app.post("/api/v1/certificates/:id/activate", async (request, reply) => {
    const result = await issuer.activateCertificate(callerOf(request, reply), paramId(request));
    return reply.type(JSON_TYPE).send(result);
  });
  app.post("/api/v1/certificates/:id/revoke", async (request, reply) => {
    const result = await issuer.revokeCertificate(callerOf(request, reply), paramId(request), request.body);
    return reply.type(JSON_TYPE).send(result);
  });
  app.get("/cert/:id", async (request, reply) => {
    const json = prefersJson(request.headers.accept);
    reply.header("vary", "Accept");
    let result;
    try {
      result = await issuer.getCertificate(paramId(request), { ip: request.ip, via: json ? "json" : "page" });
    } catch (error) {
      if (json || !isPassgeniError(error) || error.code !== "CERTIFICATE_NOT_FOUND") throw error;
      return reply.code(404).type(HTML_TYPE).header("content-security-policy", PAGE_CSP).send(renderNotFoundPage(issuer));
    }
    if (json) return reply.type(JSON_TYPE).header("access-control-allow-origin", "*").send(result);
    return reply.type(HTML_TYPE).header("content-security-policy", PAGE_CSP).send(renderCertificatePage(result, issuer));
  });
  app.get("/cert/:id/jwt", async (request, reply) => {
    const result = await issuer.getCertificate(paramId(request), { ip: request.ip, via: "jwt" });
    if (result.status === "pending") {
      throw new IssuerServiceError(
        "CERTIFICATE_PENDING",
        409,
        `This certificate is pending: no store has been confirmed to hold its credential yet. It can be downloaded once activated; unless it is activated by ${result.activate_by ?? "its deadline"}, the issuer revokes it.`,
        { details: { activate_by: result.activate_by } }
      );
    }
    return reply.type("application/jwt").header("content-disposition", `attachment; filename="passgeni-${result.cert_id}.jwt"`).header("access-control-allow-origin", "*").send(`${result.certificate}
`);
  });
  const sendPublicJson = (request, reply, value) => {
    const body = JSON.stringify(value);
    const etag = `"${createHash2("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    reply.header("cache-control", "public, max-age=300").header("etag", etag).header("access-control-allow-origin", "*");
    if (request.headers["if-none-match"] === etag) return reply.code(304).send();
    return reply.type(JSON_TYPE).send(body);
  };
  app.get("/.well-known/jwks.json", async (request, reply) => sendPublicJson(request, reply, issuer.jwks()));
  app.get(
    "/.well-known/passgeni-issuer",
    async (request, reply) => sendPublicJson(request, reply, await identityDocument(issuer))
  );
  app.get("/healthz", async (_request, reply) => {
    const health = await issuer.health();
    return reply.code(health.ok ? 200 : 503).type(JSON_TYPE).send({ status: health.ok ? "ok" : "unavailable", database: health.database });
  });
  app.get("/metrics", async (request, reply) => {
    if (options.metricsToken !== void 0 && !bearerMatches(request.headers.authorization, options.metricsToken)) {
      return reply.code(401).type(JSON_TYPE).send({ error: "The metrics endpoint needs its bearer token.", code: "AUTH_REQUIRED" });
    }
    return reply.type("text/plain; version=0.0.4; charset=utf-8").send(await issuer.metricsText());
  });
  return app;
}
function trustProxySetting(value) {
  if (typeof value === "number") return (_address, hop) => hop < value;
  return value ?? false;
}
function callerOf(request, reply) {
  return {
    apiKey: bearerToken(request.headers.authorization),
    ip: request.ip,
    onRateLimit: (state) => setRateHeaders(reply, state)
  };
}
function bearerToken(header) {
  if (typeof header !== "string") return "";
  const match = /^Bearer[ \t]+(\S{1,512})[ \t]*$/i.exec(header);
  return match?.[1] ?? "";
}
function bearerMatches(header, expected) {
  const given = createHash2("sha256").update(bearerToken(header)).digest();
  return timingSafeEqual(given, createHash2("sha256").update(expected).digest());
}
function setRateHeaders(reply, state) {
  reply.header("x-ratelimit-limit", String(state.limit));
  reply.header("x-ratelimit-remaining", String(state.remaining));
  reply.header("x-ratelimit-reset", String(Math.ceil(state.resetAt.getTime() / 1e3)));
  reply.header("x-ratelimit-scope", state.scope);
}
function paramId(request) {
  const id = request.params.id;
  return typeof id === "string" ? id : "";
}
function queryOf(request) {
  const query = request.query;
  if (typeof query !== "object" || query === null) return {};
  return query;
}
function prefersJson(accept) {
  if (!accept) return false;
  let json = 0;
  let html = 0;
  for (const part of accept.split(",")) {
    const [rawType, ...params] = part.trim().toLowerCase().split(";");
    const type = rawType?.trim() ?? "";
    let q = 1;
    for (const p of params) {
      const [name, value] = p.trim().split("=");
      if (name === "q" && value !== void 0) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 0;
      }
    }
    if (type === "application/json" || type === "application/*")
      json = Math.max(json, type === "application/json" ? q : q * 0.99);
    if (type === "text/html" || type === "text/*") html = Math.max(html, type === "text/html" ? q : q * 0.99);
    if (type === "*/*") {
      json = Math.max(json, q * 0.5);
      html = Math.max(html, q * 0.5);
    }
  }
  return json > html;
}
function wantsHtml(request) {
  const accept = request.headers.accept;
  return typeof accept === "string" && /text\/html/i.test(accept) && !prefersJson(accept);
}
function errorResponse(error) {
  if (isPassgeniError(error)) {
    const status = httpStatusOf(error);
    if (status >= 500 && !(error instanceof IssuerServiceError)) {
      return { status: 500, body: { error: "The issuer failed to handle the request.", code: "INTERNAL" } };
    }
    const retryAfter = error instanceof IssuerServiceError ? error.retryAfter : void 0;
    return { status, body: error.toJSON(), ...retryAfter !== void 0 && { retryAfter } };
  }
  const statusCode = error?.statusCode;
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    const code = statusCode === 413 ? "PAYLOAD_TOO_LARGE" : statusCode === 415 ? "UNSUPPORTED_MEDIA_TYPE" : statusCode === 404 ? "NOT_FOUND" : "INVALID_REQUEST";
    const message = statusCode === 413 ? "The request body is too large." : statusCode === 415 ? "Send the request body as JSON (Content-Type: application/json)." : statusCode === 404 ? "No such endpoint." : "The request body is not valid JSON.";
    return { status: statusCode, body: { error: message, code } };
  }
  return { status: 500, body: { error: "The issuer failed to handle the request.", code: "INTERNAL" } };
}
function errorCode(error) {
  const code = error?.code;
  return typeof code === "string" ? code : void 0;
}

// src/issuer/http/start.ts
async function startServer(options) {
  const app = buildServer(options);
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing;
  return {
    app,
    url: `http://${host}:${address.port}`,
    port: address.port,
    close() {
      closing ??= app.close();
      return closing;
    }
  };
}
export {
  DATA_DIR_KEY_FILE,
  Issuer,
  IssuerServiceError,
  MIGRATIONS,
  SCHEMA_VERSION,
  createApiKey,
  ensureTeam,
  listApiKeys,
  migrate,
  openDatabase,
  openIssuer,
  prefersJson,
  recordServingUrl,
  redactDatabaseUrl,
  resolveLimits,
  revokeApiKey,
  rotateKeyFile,
  startServer
};
