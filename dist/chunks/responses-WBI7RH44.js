import {
  IssuerError
} from "./chunk-L5JPIGO4.js";
import {
  parseJwks
} from "./chunk-DHPNE6PL.js";
import "./chunk-GASDKVEH.js";
import {
  STANDARD_IDS,
  parseClaims,
  zod_exports
} from "./chunk-OUTGNN2D.js";
import "./chunk-QISINA34.js";
import "./chunk-IC3VQLS5.js";

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
  entropy_bits: zod_exports.number()
});
var statusResponse = zod_exports.object({
  status: zod_exports.enum(["valid", "expired", "revoked"]),
  certificate: zod_exports.string().check(zod_exports.minLength(1)),
  claims: zod_exports.unknown(),
  revoked_at: zod_exports.optional(zod_exports.string()),
  revocation_reason: zod_exports.optional(zod_exports.string())
});
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
  return parseAnswer(issuedCertificate, body, issuer, "the certificate request");
}
function parseStatusResponse(body, issuer) {
  const parsed = parseAnswer(statusResponse, body, issuer, "the certificate look-up");
  return {
    status: parsed.status,
    certificate: parsed.certificate,
    claims: parseClaims(parsed.claims),
    ...parsed.revoked_at !== void 0 && { revoked_at: parsed.revoked_at },
    ...parsed.revocation_reason !== void 0 && { revocation_reason: parsed.revocation_reason }
  };
}
function parseErrorBody(body) {
  const parsed = errorBody.safeParse(body);
  return parsed.success ? parsed.data : void 0;
}
export {
  parseErrorBody,
  parseIssuedCertificate,
  parseJwks,
  parseSessionResponse,
  parseStatusResponse
};
