import { certificateDigest } from './attestation.js';
import { PassgeniError } from './errors.js';
import { HttpError, httpRequest, jsonBody } from './lib/http.js';

/**
 * `passgeni verify --attestation auto`: the Sigstore bundles GitHub holds for a certificate, found
 * by the certificate's SHA-256 in the repository its workload claim names (GitHub's "list
 * attestations" endpoint). GitHub only stores and serves them; each bundle is then verified as a
 * file would be, against the trusted root the auditor chose, so GitHub is not trusted either.
 */
export type BundleLookup =
  { found: true; bundles: unknown[]; url: string } | { found: false; code: string; message: string };

/** Attestations read per certificate: more than one exists only when a job was re-run. */
const PER_PAGE = 30;
/** A page of bundles (each a few KiB: a certificate chain and a Rekor entry). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const REPOSITORY = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

export async function fetchAttestationBundles(input: {
  jwt: string;
  repository: string | undefined;
  env: NodeJS.ProcessEnv;
}): Promise<BundleLookup> {
  const { repository, env } = input;
  if (repository === undefined || !REPOSITORY.test(repository)) {
    return {
      found: false,
      code: 'ATTESTATION_IDENTITY_UNKNOWN',
      message:
        'The certificate names no repository (no workload claim), so there is nowhere to look its attestation up: give the bundle file instead of auto.',
    };
  }
  const api = apiBase(env);
  const url = `${api}/repos/${repository}/attestations/sha256:${certificateDigest(input.jwt)}?per_page=${PER_PAGE}`;
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  let response;
  try {
    response = await httpRequest({
      url,
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'passgeni',
        ...(token && { authorization: `Bearer ${token}` }),
      },
      maxBodyBytes: MAX_BODY_BYTES,
    });
  } catch (error) {
    const reason = error instanceof HttpError ? error.message : 'the request failed';
    throw new PassgeniError(
      'ATTESTATION_FETCH_FAILED',
      `Could not ask ${api} for the certificate's attestations: ${reason}. Try again, or give the bundle file instead of auto.`,
      { exitCode: 3 },
    );
  }
  if (response.status === 404) {
    return {
      found: false,
      code: 'ATTESTATION_NOT_FOUND',
      message: `GitHub holds no attestation of this certificate in ${repository}${token ? '' : ' (or the repository is private: set GITHUB_TOKEN or GH_TOKEN to a token that can read it)'}.`,
    };
  }
  if (response.status === 401 || response.status === 403) {
    throw new PassgeniError(
      'ATTESTATION_FETCH_DENIED',
      `GitHub refused to list the attestations of ${repository} (HTTP ${response.status}): ${token ? 'the token in GITHUB_TOKEN/GH_TOKEN cannot read them (it needs read access to the repository), or it is rate-limited' : 'set GITHUB_TOKEN or GH_TOKEN to a token that can read the repository'}.`,
      { exitCode: 2 },
    );
  }
  if (response.status !== 200) {
    throw new PassgeniError(
      'ATTESTATION_FETCH_FAILED',
      `GitHub answered HTTP ${response.status} when asked for the attestations of ${repository}. Try again, or give the bundle file instead of auto.`,
      { exitCode: 3 },
    );
  }
  const body = jsonBody(response) as { attestations?: Array<{ bundle?: unknown }> } | undefined;
  const bundles = (Array.isArray(body?.attestations) ? body.attestations : [])
    .map((a) => a?.bundle)
    .filter((b) => b !== null && typeof b === 'object');
  if (bundles.length === 0) {
    return {
      found: false,
      code: 'ATTESTATION_NOT_FOUND',
      message: `GitHub listed no attestation bundle of this certificate in ${repository}.`,
    };
  }
  return {
    found: true,
    bundles,
    url: `${api}/repos/${repository}/attestations/sha256:${certificateDigest(input.jwt)}`,
  };
}

/**
 * GITHUB_API_URL as the runner sets it (GitHub Enterprise Server included); https, except on
 * loopback, since the token goes with the request.
 */
function apiBase(env: NodeJS.ProcessEnv): string {
  const raw = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = new URL('invalid://');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new PassgeniError(
      'INPUT_INVALID',
      `GITHUB_API_URL must be an https URL (http only on loopback), e.g. https://api.github.com; it is ${JSON.stringify(raw)}.`,
      { exitCode: 2 },
    );
  }
  return raw;
}
