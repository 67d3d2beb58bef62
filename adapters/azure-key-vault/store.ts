import type { SecretClient } from '@azure/keyvault-secrets';
import { StoreError } from '../store.js';
import type { SecretStore, StoreWriteRequest, StoreWriteResult } from '../store.js';
import type { AdapterContext } from '../options.js';
import type { ParsedAzureUri } from '../uri.js';
import { createSecretClient, mapAzureError, operationTimeout, statusOf } from './client.js';
import { ATTESTATION_URL_TAG, CERT_ID_TAG, CERT_URL_TAG, TARGET_TAG, checkTags } from './tags.js';

interface Current {
  tags: Record<string, string>;
  contentType: string | undefined;
}

/**
 * One Key Vault secret. A write sets a new version whose value, tags (the certificate URL and id,
 * with the team's tags of the current version carried over), content type and, if asked, expiry
 * arrive in one request, so no version ever exists without its certificate URL. Key Vault keeps
 * every earlier version. It offers no conditional write: a concurrent writer is not detected,
 * the last version set wins (both stay in the history).
 */
export class AzureKeyVaultStore implements SecretStore {
  readonly kind = 'azure-kv' as const;
  readonly uri: string;

  constructor(
    private readonly parsed: ParsedAzureUri,
    private readonly client: SecretClient,
    private readonly timeout: () => AbortSignal,
    private readonly secrets: string[],
  ) {
    this.uri = parsed.uri;
  }

  private get where(): string {
    return `secret ${this.parsed.secret} in vault ${this.parsed.vault}`;
  }

  private fail(doing: string, error: unknown): StoreError {
    return mapAzureError(this.uri, doing, error, this.secrets);
  }

  /** The current version's value and properties; undefined when the secret does not exist. */
  private async current(): Promise<(Current & { value: string | undefined }) | undefined> {
    try {
      const secret = await this.client.getSecret(this.parsed.secret, { abortSignal: this.timeout() });
      return {
        value: secret.value,
        tags: { ...(secret.properties.tags ?? {}) },
        contentType: secret.properties.contentType,
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.fail(`read ${this.where}`, error);
    }
  }

  /** Authenticates (the challenge, then a token), reaches the vault, and may read the secret. */
  async preflight(): Promise<void> {
    await this.current();
  }

  async write(request: StoreWriteRequest): Promise<StoreWriteResult> {
    this.secrets.push(request.credential);
    if (this.parsed.expiresWithCertificate && request.certExpiresAt === undefined) {
      throw new StoreError(
        'STORE_INVALID_VALUE',
        `${this.uri} asks for the certificate's expiry, but none was given. Nothing was written.`,
        { store: this.uri },
      );
    }
    const previous = await this.current();
    if (previous?.value !== undefined) this.secrets.push(previous.value);
    const { [TARGET_TAG]: _previousTarget, ...kept } = previous?.tags ?? {};
    const tags = {
      ...kept,
      [CERT_URL_TAG]: request.certUrl,
      [CERT_ID_TAG]: request.certId,
      [ATTESTATION_URL_TAG]: request.attestationUrl ?? '',
      ...(request.target !== undefined && { [TARGET_TAG]: request.target }),
    };
    checkTags(this.uri, tags);
    let version: string | undefined;
    try {
      const set = await this.client.setSecret(this.parsed.secret, request.credential, {
        tags,
        contentType: previous?.contentType ?? 'text/plain',
        ...(this.parsed.expiresWithCertificate &&
          request.certExpiresAt !== undefined && { expiresOn: new Date(request.certExpiresAt) }),
        abortSignal: this.timeout(),
      });
      version = set.properties.version;
    } catch (error) {
      throw this.fail(`set a new version of ${this.where}`, error);
    }
    return { store: this.uri, ...(version !== undefined && { version }) };
  }

  async readCredential(): Promise<string | undefined> {
    return (await this.current())?.value;
  }

  async readCertificateUrl(): Promise<string | undefined> {
    const url = (await this.current())?.tags[CERT_URL_TAG];
    return url === undefined || url === '' ? undefined : url;
  }
}

export async function openAzureStore(
  parsed: ParsedAzureUri,
  context: AdapterContext,
): Promise<AzureKeyVaultStore> {
  return new AzureKeyVaultStore(
    parsed,
    await createSecretClient(context, parsed.vault),
    operationTimeout(context),
    [],
  );
}
