// src/issuer-client/local.ts
import { resolve } from "node:path";
var DEFAULT_DATA_DIR = ".passgeni";
var DEFAULT_LOCAL_PUBLIC_URL = "http://127.0.0.1:8787";
var LOCAL_TEAM = "local";
async function openLocalIssuerClient(options = {}) {
  const { openIssuer } = await import("./core-OWWESIMA.js");
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
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
      issueCertificate: (request) => issuer.issueCertificate(caller, request),
      getCertificate: (id) => issuer.getCertificate(id, { via: "api" }),
      revokeCertificate: (id, reason) => issuer.revokeCertificate(caller, id, { reason }),
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
