import {
  InputError
} from "./chunk-FKYOR5TL.js";

// src/issuer-client/local.ts
import { existsSync } from "node:fs";
import { resolve } from "node:path";
var DEFAULT_DATA_DIR = ".passgeni";
var DEFAULT_LOCAL_PUBLIC_URL = "http://127.0.0.1:8787";
var LOCAL_TEAM = "local";
async function openLocalIssuerClient(options = {}) {
  const { openIssuer } = await import("./core-RAG2FNGJ.js");
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  if (options.existingOnly && !existsSync(dataDir)) {
    throw new InputError(
      "LOCAL_ISSUER_NOT_FOUND",
      `There is no local issuer in ${dataDir}, so nothing it issued can be looked up here; nothing was created. Name the issuer that issued the certificate, or the data directory \`passgeni certify\` used.`,
      { hint: { option: "issuer-url" } }
    );
  }
  const issuer = await openIssuer({
    dataDir,
    publicUrl: options.publicUrl ?? DEFAULT_LOCAL_PUBLIC_URL,
    housekeepingSeconds: 0,
    onNotice: options.onNotice ?? ((message) => process.stderr.write(message.endsWith("\n") ? message : `${message}
`))
  });
  try {
    const team = await issuer.ensureTeam(LOCAL_TEAM);
    const caller = { teamId: team.id, ip: null };
    return {
      description: `the local issuer in ${dataDir}`,
      createSession: (request) => issuer.createSession(caller, request),
      issueCertificate: async (request, options2) => {
        const { replayed: _replayed, ...issued } = await issuer.issueCertificate(
          caller,
          request,
          options2?.idempotencyKey
        );
        return issued;
      },
      activateCertificate: (id) => issuer.activateCertificate(caller, id),
      getCertificate: (id) => issuer.getCertificate(id, { via: "api" }),
      revokeCertificate: (id, reason) => issuer.revokeCertificate(caller, id, { reason }),
      // the same queries the HTTP API takes, so both answer alike; in-process, the caller is
      // the operator (it holds the database) and reads every team
      listCertificates: ({ limit, ...query }) => issuer.listCertificates(caller, { ...query, ...limit !== void 0 && { limit: String(limit) } }),
      listEvents: ({ types, limit, ...query }) => issuer.listEvents(caller, {
        ...query,
        ...types !== void 0 && types.length > 0 && { type: types },
        ...limit !== void 0 && { limit: String(limit) }
      }),
      jwks: async () => issuer.jwks(),
      close: () => issuer.close()
    };
  } catch (error) {
    await issuer.close();
    throw error;
  }
}

export {
  DEFAULT_DATA_DIR,
  DEFAULT_LOCAL_PUBLIC_URL,
  LOCAL_TEAM,
  openLocalIssuerClient
};
