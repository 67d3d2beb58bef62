import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { IssuerClient, IssuerRegistry } from './types.js';

export interface LocalIssuerOptions {
  dataDir?: string;
  /** Refuse, rather than create, a data directory that does not exist. */
  existingOnly?: boolean;
  publicUrl?: string;
  onNotice?: (message: string) => void;
}

export const DEFAULT_DATA_DIR = '.passgeni';
export const DEFAULT_LOCAL_PUBLIC_URL = 'http://127.0.0.1:8787';
/** The team every in-process certificate belongs to; `passgeni serve` on the same directory shows them. */
export const LOCAL_TEAM = 'local';

/**
 * The local issuer: the issuer's own service core, in this process, on the local data directory
 * (PGlite). Same validation, same signing, same records as `passgeni serve`, so `certify` works
 * offline on a fresh machine and `passgeni serve --data-dir` later publishes what it issued.
 */
export async function openLocalIssuerClient(
  options: LocalIssuerOptions = {},
): Promise<IssuerClient & IssuerRegistry> {
  const { openIssuer } = await import('../issuer/core.js');
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  if (options.existingOnly && !existsSync(dataDir)) {
    throw new InputError(
      'LOCAL_ISSUER_NOT_FOUND',
      `There is no local issuer in ${dataDir}, so nothing it issued can be looked up here; nothing was created. Name the issuer that issued the certificate, or the data directory \`passgeni certify\` used.`,
      { hint: { option: 'issuer-url' } },
    );
  }
  const issuer = await openIssuer({
    dataDir,
    publicUrl: options.publicUrl ?? DEFAULT_LOCAL_PUBLIC_URL,
    housekeepingSeconds: 0,
    onNotice:
      options.onNotice ??
      ((message) => process.stderr.write(message.endsWith('\n') ? message : `${message}\n`)),
  });
  try {
    const team = await issuer.ensureTeam(LOCAL_TEAM);
    const caller = { teamId: team.id, ip: null };
    return {
      description: `the local issuer in ${dataDir}`,
      issuerId: issuer.issuerId,
      createSession: (request) => issuer.createSession(caller, request),
      issueCertificate: async (request, options) => {
        const { replayed: _replayed, ...issued } = await issuer.issueCertificate(
          caller,
          request,
          options?.idempotencyKey,
        );
        // as the HTTP answer says it, so the engine knows this issuer logs its certificates
        return { ...issued, log: issuer.log.pendingEntry(issued.cert_id, issued.certificate) };
      },
      activateCertificate: (id) => issuer.activateCertificate(caller, id),
      getCertificate: (id) => issuer.getCertificate(id, { via: 'api' }),
      revokeCertificate: (id, reason) => issuer.revokeCertificate(caller, id, { reason }),
      // the same queries the HTTP API takes, so both answer alike; in-process, the caller is
      // the operator (it holds the database) and reads every team
      listCertificates: ({ limit, ...query }) =>
        issuer.listCertificates(caller, { ...query, ...(limit !== undefined && { limit: String(limit) }) }),
      listEvents: ({ types, limit, ...query }) =>
        issuer.listEvents(caller, {
          ...query,
          ...(types !== undefined && types.length > 0 && { type: types }),
          ...(limit !== undefined && { limit: String(limit) }),
        }),
      jwks: async () => issuer.jwks(),
      // in-process, the log is sequenced on demand: no second to wait for the sequencer's timer
      inclusionProof: async (id) => {
        await issuer.log.sequence();
        return issuer.log.inclusion(id);
      },
      logVerifierKey: issuer.log.verifierKey,
      close: () => issuer.close(),
    };
  } catch (error) {
    await issuer.close();
    throw error;
  }
}
