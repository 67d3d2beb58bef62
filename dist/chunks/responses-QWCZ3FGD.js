import {
  IssuerError
} from "./chunk-ZGSGJXAR.js";
import {
  parseJwks
} from "./chunk-IEG7A5BP.js";
import "./chunk-QUX7DFRJ.js";
import {
  STANDARD_IDS,
  parseClaims,
  zod_exports
} from "./chunk-VFYYTOKF.js";
import "./chunk-FKYOR5TL.js";

// src/issuer-client/responses.ts
var standardId = zod_exports.enum(STANDARD_IDS);
var sessionResponse = zod_exports.object({
  generation_session_id: zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(200)),
  expires_at: zod_exports.string(),
  entropy_bits: zod_exports.number(),
  standards_met: zod_exports.array(standardId)
});
var issuedCertificate = zod_exports.object({
  cert_id: zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(200)),
  cert_url: zod_exports.url(),
  certificate: zod_exports.string().check(zod_exports.minLength(1)),
  expires_at: zod_exports.string(),
  standards_met: zod_exports.array(standardId),
  compliance_standard: standardId,
  entropy_bits: zod_exports.number(),
  // absent from issuers that predate activation (their certificates are valid at once)
  status: zod_exports.optional(zod_exports.enum(["pending", "valid"])),
  activate_by: zod_exports.optional(zod_exports.string().check(zod_exports.maxLength(64)))
});
var statusResponse = zod_exports.object({
  status: zod_exports.enum(["valid", "pending", "expired", "revoked"]),
  activate_by: zod_exports.optional(zod_exports.string()),
  certificate: zod_exports.string().check(zod_exports.minLength(1)),
  claims: zod_exports.unknown(),
  revoked_at: zod_exports.optional(zod_exports.string()),
  revocation_reason: zod_exports.optional(zod_exports.string())
});
var nullableText = zod_exports.nullable(zod_exports.string().check(zod_exports.maxLength(2e3)));
var certificateSummary = zod_exports.object({
  cert_id: zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(200)),
  cert_url: zod_exports.string().check(zod_exports.maxLength(2e3)),
  team: zod_exports.optional(nullableText),
  status: zod_exports.enum(["valid", "pending", "expired", "revoked"]),
  compliance_standard: standardId,
  standards_met: zod_exports.array(standardId),
  entropy_bits: zod_exports.number(),
  label: nullableText,
  issued_at: zod_exports.string().check(zod_exports.maxLength(64)),
  expires_at: zod_exports.string().check(zod_exports.maxLength(64)),
  activate_by: nullableText,
  revoked_at: nullableText,
  revocation_reason: nullableText
});
var auditTrailEvent = zod_exports.object({
  id: zod_exports.string().check(zod_exports.maxLength(40)),
  type: zod_exports.string().check(zod_exports.maxLength(100)),
  at: zod_exports.string().check(zod_exports.maxLength(64)),
  team: nullableText,
  team_id: nullableText,
  api_key_id: nullableText,
  ip: nullableText,
  cert_id: nullableText,
  count: zod_exports.number(),
  detail: zod_exports.record(zod_exports.string(), zod_exports.unknown())
});
var nextCursor = zod_exports.nullable(zod_exports.string().check(zod_exports.maxLength(200)));
var certificatePage = zod_exports.object({ certificates: zod_exports.array(certificateSummary), next_cursor: nextCursor });
var eventPage = zod_exports.object({ events: zod_exports.array(auditTrailEvent), next_cursor: nextCursor });
function parseCertificatePage(body, issuer) {
  const page = parseAnswer(certificatePage, body, issuer, "the certificate list");
  return { ...page, certificates: page.certificates.map((c) => ({ ...c, team: c.team ?? null })) };
}
function parseEventPage(body, issuer) {
  return parseAnswer(eventPage, body, issuer, "the audit trail request");
}
var errorBody = zod_exports.looseObject({ error: zod_exports.string(), code: zod_exports.string() });
function parseAnswer(schema, body, issuer, what) {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) => `${issue.path.map(String).join(".") || "(body)"}: ${issue.message}`).join("; ");
  throw new IssuerError(
    "ISSUER_RESPONSE_INVALID",
    `The issuer at ${issuer} answered ${what} with a body that does not follow the PassGeni protocol (${problems}). Check that the issuer URL points at a passgeni issuer and that it is up to date.`
  );
}
function parseSessionResponse(body, issuer) {
  return parseAnswer(sessionResponse, body, issuer, "the session request");
}
function parseIssuedCertificate(body, issuer) {
  const { status, activate_by, ...parsed } = parseAnswer(
    issuedCertificate,
    body,
    issuer,
    "the certificate request"
  );
  return {
    ...parsed,
    ...status !== void 0 && { status },
    ...activate_by !== void 0 && { activate_by }
  };
}
function parseStatusResponse(body, issuer) {
  const parsed = parseAnswer(statusResponse, body, issuer, "the certificate look-up");
  return {
    status: parsed.status,
    certificate: parsed.certificate,
    claims: parseClaims(parsed.claims),
    ...parsed.activate_by !== void 0 && { activate_by: parsed.activate_by },
    ...parsed.revoked_at !== void 0 && { revoked_at: parsed.revoked_at },
    ...parsed.revocation_reason !== void 0 && { revocation_reason: parsed.revocation_reason }
  };
}
function parseErrorBody(body) {
  const parsed = errorBody.safeParse(body);
  return parsed.success ? parsed.data : void 0;
}
export {
  parseCertificatePage,
  parseErrorBody,
  parseEventPage,
  parseIssuedCertificate,
  parseJwks,
  parseSessionResponse,
  parseStatusResponse
};
