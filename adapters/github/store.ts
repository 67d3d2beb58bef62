import { StoreError, urlNotAttached } from '../store.js';
import type { SecretStore, StoreWriteRequest, StoreWriteResult } from '../store.js';
import type { AdapterContext } from '../options.js';
import type { ParsedGitHubUri } from '../uri.js';
import { createGitHubClient } from './client.js';
import type { GitHubClient } from './client.js';
import { certUrlVariable, scopePaths } from './paths.js';
import type { ScopePaths } from './paths.js';
import { sealForGitHub } from './seal.js';

interface PublicKey {
  key_id: string;
  key: string;
}

interface SecretMeta {
  name: string;
  updated_at?: string;
  visibility?: 'all' | 'private' | 'selected';
}

interface Variable {
  name: string;
  value: string;
}

/** GitHub limits a variable's value to 48 KB; a certificate URL never comes near. */
const VARIABLE_VALUE_MAX = 48 * 1024;

/**
 * A GitHub Actions secret (repository, environment or organization). GitHub encrypts secrets with
 * a per-scope public key and never gives a value back, so the value is sealed here and the
 * certificate URL goes to a plain Actions variable beside it, `<NAME>_PASSGENI_CERT_URL`.
 *
 * GitHub keeps no earlier value and offers no conditional write: the previous value is gone once
 * the new one is set, and a concurrent writer cannot be detected (the last write wins). The
 * inventory compares the secret's `updated_at` with its certificate instead.
 */
export class GitHubSecretStore implements SecretStore {
  readonly kind = 'gh' as const;
  readonly uri: string;
  private readonly paths: ScopePaths;
  private readonly variable: string;
  constructor(
    private readonly parsed: ParsedGitHubUri,
    private readonly client: GitHubClient,
    /** Values the client cuts out of any message GitHub sends back (the credential being written). */
    private readonly secrets: string[],
  ) {
    this.uri = parsed.uri;
    this.paths = scopePaths(parsed.scope);
    this.variable = certUrlVariable(parsed.name);
  }

  private params(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { ...this.paths.params, ...extra };
  }

  private get where(): string {
    return `secret ${this.parsed.name} of the ${this.paths.label}`;
  }

  private publicKey(): Promise<PublicKey> {
    return this.client.call<PublicKey>(
      `read the Actions public key of the ${this.paths.label}`,
      `GET ${this.paths.prefix}/secrets/public-key`,
      this.params(),
    );
  }

  private secretMeta(): Promise<SecretMeta | undefined> {
    return this.client.callUnlessMissing<SecretMeta>(
      `read ${this.where}`,
      `GET ${this.paths.prefix}/secrets/{secret_name}`,
      this.params({ secret_name: this.parsed.name }),
    );
  }

  private readVariable(): Promise<Variable | undefined> {
    return this.client.callUnlessMissing<Variable>(
      `read the variable ${this.variable} of the ${this.paths.label}`,
      `GET ${this.paths.prefix}/variables/{name}`,
      this.params({ name: this.variable }),
    );
  }

  /**
   * An organization secret must exist already: creating one would have to choose which
   * repositories may read it, a decision passgeni should not make for the organization.
   */
  private async orgSecret(): Promise<SecretMeta & { selectedIds?: number[] }> {
    const meta = await this.secretMeta();
    if (meta === undefined) {
      throw new StoreError(
        'STORE_NOT_FOUND',
        `Organization secret ${this.parsed.name} does not exist in ${this.paths.label} (or the token cannot see it). passgeni does not create organization secrets, since that means choosing which repositories may read them: create it in the organization's settings with the visibility you want, then re-run.`,
        { store: this.uri },
      );
    }
    if (meta.visibility !== 'selected') return meta;
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const list = await this.client.call<{ total_count: number; repositories: { id: number }[] }>(
        `list the repositories that may read ${this.where}`,
        `GET ${this.paths.prefix}/secrets/{secret_name}/repositories`,
        this.params({ secret_name: this.parsed.name, per_page: 100, page }),
      );
      ids.push(...list.repositories.map((r) => r.id));
      if (list.repositories.length < 100 || ids.length >= list.total_count) break;
    }
    return { ...meta, selectedIds: ids };
  }

  /** The token, the scope and its public key (Secrets: read), and the variable (Variables: read). */
  async preflight(): Promise<void> {
    if (this.parsed.scope.level === 'org') await this.orgSecret();
    await this.publicKey();
    await this.readVariable();
  }

  async write(request: StoreWriteRequest): Promise<StoreWriteResult> {
    this.secrets.push(request.credential);
    if (request.certUrl.length > VARIABLE_VALUE_MAX) {
      throw new StoreError(
        'STORE_INVALID_VALUE',
        `The certificate URL is too long for a GitHub variable. Nothing was written.`,
        {
          store: this.uri,
        },
      );
    }
    const org = this.parsed.scope.level === 'org' ? await this.orgSecret() : undefined;
    const key = await this.publicKey();
    const encrypted = await sealForGitHub(request.credential, key.key);
    const visibility =
      org === undefined
        ? {}
        : {
            visibility: org.visibility,
            ...(org.selectedIds !== undefined && { selected_repository_ids: org.selectedIds }),
          };
    await this.client.call(
      `write ${this.where}`,
      `PUT ${this.paths.prefix}/secrets/{secret_name}`,
      this.params({
        secret_name: this.parsed.name,
        encrypted_value: encrypted,
        key_id: key.key_id,
        ...visibility,
      }),
    );
    try {
      await this.attachUrl(request.certUrl, visibility);
    } catch (error) {
      const cause = error instanceof StoreError ? error.message : 'the variable could not be written';
      throw urlNotAttached(this.uri, `in GitHub ${this.where}`, cause);
    }
    return { store: this.uri };
  }

  /** Creates the variable, or updates it when it exists (also when a concurrent run created it first). */
  private async attachUrl(certUrl: string, visibility: Record<string, unknown>): Promise<void> {
    const doing = `set the variable ${this.variable} of the ${this.paths.label}`;
    const update = () =>
      this.client.call(
        doing,
        `PATCH ${this.paths.prefix}/variables/{name}`,
        this.params({ name: this.variable, value: certUrl }),
      );
    if ((await this.readVariable()) !== undefined) {
      await update();
      return;
    }
    try {
      await this.client.call(
        doing,
        `POST ${this.paths.prefix}/variables`,
        this.params({ name: this.variable, value: certUrl, ...visibility }),
      );
    } catch (error) {
      // 409: it appeared since we looked (or our own lost response created it).
      if (error instanceof StoreError && /HTTP 409/.test(error.message)) await update();
      else throw error;
    }
  }

  /** GitHub never returns a secret's value: binding checks cannot be made against this store. */
  async readCredential(): Promise<string | undefined> {
    throw new StoreError(
      'STORE_UNREADABLE',
      `GitHub never returns the value of an Actions secret, so the credential in ${this.uri} cannot be read to check its binding. Check the certificate alone, or compare the secret's update time with the certificate (passgeni inventory does).`,
      { store: this.uri },
    );
  }

  async readCertificateUrl(): Promise<string | undefined> {
    const value = (await this.readVariable())?.value;
    return value === undefined || value === '' ? undefined : value;
  }
}

export function openGitHubStore(parsed: ParsedGitHubUri, context: AdapterContext): GitHubSecretStore {
  const secrets: string[] = [];
  return new GitHubSecretStore(
    parsed,
    createGitHubClient(context, parsed.uri, () => secrets),
    secrets,
  );
}
