import { jsonBody } from '../../src/lib/http.js';
import { JsonTextError, memberText, spliceMember, stringMember } from '../internal/json-text.js';
import { StoreError, urlForKey, urlNotAttached } from '../store.js';
import type { SecretStore, StoreWriteRequest, StoreWriteResult } from '../store.js';
import type { ParsedVaultUri } from '../uri.js';
import { encodePath, vaultErrors } from './client.js';
import type { VaultClient } from './client.js';
import {
  ATTESTATION_URL_METADATA,
  CERT_KEY_METADATA,
  CERT_URL_METADATA,
  TARGET_METADATA,
  readCustomMetadata,
} from './metadata.js';

const METADATA_VALUE_MAX_BYTES = 512;
const CAS_MISMATCH = /check-and-set parameter did not match/i;

interface KvCurrent {
  /** Raw JSON text of the secret's data object ('{}' when there is none). */
  dataText: string;
  /** The version to pass as `cas`: 0 when the path has never been written. */
  version: number;
}

function policyHint(mount: string, path: string): string {
  return (
    `The token's policy needs: path "${mount}/data/${path}" { capabilities = ["create", "update", "read"] } ` +
    `and path "${mount}/metadata/${path}" { capabilities = ["patch", "read"] }.`
  );
}

/**
 * One key of a KV v2 secret: written with check-and-set so a concurrent writer is detected, the
 * other keys kept byte for byte, and the certificate URL attached as custom metadata.
 */
export class VaultStore implements SecretStore {
  readonly kind = 'vault' as const;
  readonly uri: string;

  constructor(
    private readonly parsed: ParsedVaultUri,
    private readonly client: VaultClient,
  ) {
    this.uri = parsed.uri;
  }

  private get dataPath(): string {
    return `${encodePath(this.parsed.mount)}/data/${encodePath(this.parsed.path)}`;
  }

  private get metadataPath(): string {
    return `${encodePath(this.parsed.mount)}/metadata/${encodePath(this.parsed.path)}`;
  }

  private get where(): string {
    return `${this.parsed.mount}/${this.parsed.path}`;
  }

  private async readCurrent(secrets: string[]): Promise<KvCurrent> {
    const response = await this.client.send('GET', this.dataPath);
    const body = jsonBody(response) as
      { data?: { data?: unknown; metadata?: { version?: unknown } } } | undefined;
    const version = typeof body?.data?.metadata?.version === 'number' ? body.data.metadata.version : 0;
    if (response.status === 200) {
      const dataText = memberText(response.text, ['data', 'data']);
      return { dataText: dataText === undefined || dataText === 'null' ? '{}' : dataText, version };
    }
    // 404 is "never written", or a deleted latest version whose metadata still carries the
    // version number that check-and-set must name.
    if (response.status === 404) return { dataText: '{}', version };
    throw this.client.failure(response, `read ${this.where}`, {
      hint: policyHint(this.parsed.mount, this.parsed.path),
      extraSecrets: secrets,
    });
  }

  /** Checked before anything is written, so a value cannot be left without its URL. */
  private checkMetadataLimits(request: StoreWriteRequest): void {
    for (const [name, value] of [
      [CERT_URL_METADATA, request.certUrl],
      [CERT_KEY_METADATA, this.parsed.key],
    ] as const) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes < 1 || bytes > METADATA_VALUE_MAX_BYTES) {
        throw new StoreError(
          'STORE_INVALID_VALUE',
          `Custom metadata "${name}" would be ${bytes} bytes; Vault allows 1-${METADATA_VALUE_MAX_BYTES}. Nothing was written.`,
          { store: this.uri },
        );
      }
    }
  }

  /**
   * Reads the secret as the write will (token, mount, read permission, a key that can be set) and
   * asks Vault which capabilities the token has on the two paths the write uses.
   */
  async preflight(): Promise<void> {
    const current = await this.readCurrent([]);
    try {
      spliceMember(current.dataText, this.parsed.key, '""');
    } catch (error) {
      const reason = error instanceof JsonTextError ? error.message : 'it could not be parsed';
      throw new StoreError(
        'STORE_INVALID_VALUE',
        `Cannot set #${this.parsed.key} in ${this.where}: ${reason}.`,
        {
          store: this.uri,
        },
      );
    }
    const data = `${this.parsed.mount}/data/${this.parsed.path}`;
    const metadata = `${this.parsed.mount}/metadata/${this.parsed.path}`;
    const response = await this.client.send(
      'POST',
      'sys/capabilities-self',
      JSON.stringify({ paths: [data, metadata] }),
    );
    // Some policies do not grant capabilities-self; the read above is then all that can be checked.
    if (response.status !== 200) return;
    // The capabilities are keyed by path, at the top level and (Vault 1.x and later) under `data`.
    const body = jsonBody(response) as { data?: Record<string, unknown> } | undefined;
    const has = (path: string, wanted: readonly string[]) => {
      const list = body?.data?.[path] ?? (body as Record<string, unknown> | undefined)?.[path];
      return (
        Array.isArray(list) &&
        !list.includes('deny') &&
        (list.includes('root') || wanted.some((capability) => list.includes(capability)))
      );
    };
    if (!has(data, [current.version === 0 ? 'create' : 'update']) || !has(metadata, ['patch'])) {
      throw new StoreError(
        'STORE_ACCESS_DENIED',
        `The Vault token may not write ${this.where}. ${policyHint(this.parsed.mount, this.parsed.path)}`,
        { store: this.uri },
      );
    }
  }

  async write(request: StoreWriteRequest): Promise<StoreWriteResult> {
    this.checkMetadataLimits(request);
    const { key } = this.parsed;
    const secrets = [request.credential];
    const current = await this.readCurrent(secrets);
    // The whole secret is sent back with the new key, and a Vault (or a proxy in front of it)
    // may echo the request in its error: the other keys' values must be scrubbed too.
    secrets.push(...stringLeaves(JSON.parse(current.dataText)));
    let version: number;
    if (JSON.parse(current.dataText)?.[key] === request.credential) {
      // A previous attempt of this write landed; only the metadata may be missing.
      version = current.version;
    } else {
      let dataText: string;
      try {
        dataText = spliceMember(current.dataText, key, JSON.stringify(request.credential));
      } catch (error) {
        const reason = error instanceof JsonTextError ? error.message : 'it could not be parsed';
        throw new StoreError(
          'STORE_INVALID_VALUE',
          `Cannot set #${key} in ${this.where}: ${reason}. Nothing was written.`,
          { store: this.uri },
        );
      }
      const body = `{"options":{"cas":${current.version}},"data":${dataText}}`;
      const response = await this.client.send('POST', this.dataPath, body);
      const written = (jsonBody(response) as { data?: { version?: unknown } } | undefined)?.data?.version;
      if (response.status === 200 && typeof written === 'number') {
        version = written;
      } else if (response.status === 400 && vaultErrors(response).some((e) => CAS_MISMATCH.test(e))) {
        const now = await this.readCurrent(secrets);
        if (JSON.parse(now.dataText)?.[key] !== request.credential) {
          throw new StoreError(
            'STORE_CONFLICT',
            `Vault secret ${this.where} changed while we were writing (check-and-set expected version ${current.version}, it is now ${now.version}); nothing was overwritten. Re-run to write on top of the new version.`,
            { store: this.uri },
          );
        }
        // Our own earlier attempt (retried after a lost response) is what moved the version.
        version = now.version;
      } else {
        throw this.client.failure(response, `write ${this.where}`, {
          hint: policyHint(this.parsed.mount, this.parsed.path),
          extraSecrets: secrets,
        });
      }
    }

    const patch = JSON.stringify({
      custom_metadata: {
        [CERT_URL_METADATA]: request.certUrl,
        [CERT_KEY_METADATA]: key,
        [ATTESTATION_URL_METADATA]: request.attestationUrl ?? null,
        [TARGET_METADATA]: request.target ?? null,
      },
    });
    const response = await this.client.send(
      'PATCH',
      this.metadataPath,
      patch,
      'application/merge-patch+json',
    );
    if (response.status !== 200 && response.status !== 204) {
      const failure = this.client.failure(response, `update the metadata of ${this.where}`, {
        hint: policyHint(this.parsed.mount, this.parsed.path),
        extraSecrets: secrets,
      });
      throw urlNotAttached(this.uri, `KV version ${version}`, failure.message, String(version));
    }
    return { store: this.uri, version: String(version) };
  }

  async readCredential(): Promise<string | undefined> {
    const { dataText } = await this.readCurrent([]);
    const { key } = this.parsed;
    return stringMember(
      JSON.parse(dataText) as Record<string, unknown>,
      key,
      `#${key} in ${this.where}`,
      this.uri,
    );
  }

  async readCertificateUrl(): Promise<string | undefined> {
    const metadata = await readCustomMetadata(this.client, this.metadataPath, this.where);
    return urlForKey(metadata?.[CERT_URL_METADATA], metadata?.[CERT_KEY_METADATA], this.parsed.key);
  }
}

/** Every string in a parsed JSON value, at any depth, and every number as text (a PIN may be one). */
function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(stringLeaves);
}
