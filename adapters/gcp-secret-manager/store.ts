import { StoreError, urlForKey, urlNotAttached } from '../store.js';
import type { SecretStore, StoreWriteRequest, StoreWriteResult } from '../store.js';
import type { AdapterContext } from '../options.js';
import type { ParsedGcpUri } from '../uri.js';
import { createGcpClient } from './client.js';
import type { GcpClient } from './client.js';
import { crc32c } from './crc32c.js';
import { GRPC, PERMISSION_HINT } from './errors.js';
import {
  ATTESTATION_URL_ANNOTATION,
  CERT_ID_LABEL,
  CERT_KEY_ANNOTATION,
  CERT_URL_ANNOTATION,
  TARGET_ANNOTATION,
  labelSafe,
} from './metadata.js';

interface SecretMeta {
  etag: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface LatestValue {
  /** The version number `latest` resolved to. */
  version: number;
  text: string;
}

/** Secret Manager's limit on the annotations of one secret (keys and values together). */
const ANNOTATIONS_MAX_BYTES = 16 * 1024;

function versionNumber(name: string | null | undefined): number | undefined {
  const match = /\/versions\/(\d+)$/.exec(name ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * One Secret Manager secret, or one key of a JSON secret. Each write adds a version (earlier ones
 * stay, enabled, for rollback), then sets the certificate id label and URL annotation with the
 * etag read before the write, so metadata someone else changed meanwhile is never overwritten.
 */
export class GcpSecretManagerStore implements SecretStore {
  readonly kind = 'gcp-sm' as const;
  readonly uri: string;
  private readonly name: string;

  constructor(
    private readonly parsed: ParsedGcpUri,
    private readonly client: GcpClient,
    private readonly secrets: string[],
  ) {
    this.uri = parsed.uri;
    this.name = `projects/${parsed.project}/secrets/${parsed.secret}`;
  }

  private get where(): string {
    return `secret ${this.parsed.secret} of project ${this.parsed.project}`;
  }

  private async meta(): Promise<SecretMeta> {
    const [secret] = await this.client.run(`read ${this.where}`, 'retry', () =>
      this.client.sdk.getSecret({ name: this.name }, this.client.callOptions),
    );
    return {
      etag: secret.etag ?? '',
      labels: { ...(secret.labels ?? {}) },
      annotations: { ...(secret.annotations ?? {}) },
    };
  }

  /** The value `latest` points at; undefined when the secret has no enabled version yet. */
  private async latest(): Promise<LatestValue | undefined> {
    // NOT_FOUND: no version at all; FAILED_PRECONDITION: the latest one is disabled or destroyed.
    const answer = await this.client.runUnless(
      `read the latest version of ${this.where}`,
      [GRPC.NOT_FOUND, GRPC.FAILED_PRECONDITION],
      () =>
        this.client.sdk.accessSecretVersion(
          { name: `${this.name}/versions/latest` },
          this.client.callOptions,
        ),
    );
    if (answer === undefined) return undefined;
    const [version] = answer;
    const data = version.payload?.data;
    const bytes =
      typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(data ?? new Uint8Array());
    return { version: versionNumber(version.name) ?? 0, text: bytes.toString('utf8') };
  }

  private withKey(current: LatestValue | undefined, credential: string): string {
    const key = this.parsed.jsonKey;
    if (key === undefined) return credential;
    let object: Record<string, unknown> = {};
    if (current !== undefined && current.text.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(current.text);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new StoreError(
          'STORE_INVALID_VALUE',
          `The latest version of ${this.where} is not a JSON object, so key "${key}" cannot be set in it. Nothing was written.`,
          { store: this.uri },
        );
      }
      object = parsed as Record<string, unknown>;
    }
    return JSON.stringify({ ...object, [key]: credential });
  }

  /** Reads the secret (it must exist: passgeni does not create secrets) and asks IAM what may be done. */
  async preflight(): Promise<void> {
    await this.meta();
    const wanted = ['secretmanager.versions.add', 'secretmanager.secrets.update'];
    if (this.parsed.jsonKey !== undefined) wanted.push('secretmanager.versions.access');
    const [answer] = await this.client.run(`check the permissions on ${this.where}`, 'retry', () =>
      this.client.sdk.testIamPermissions(
        { resource: this.name, permissions: wanted },
        this.client.callOptions,
      ),
    );
    const granted = new Set(answer.permissions ?? []);
    const missing = wanted.filter((p) => !granted.has(p));
    if (missing.length > 0) {
      throw new StoreError(
        'STORE_ACCESS_DENIED',
        `The Google Cloud principal lacks ${missing.join(', ')} on ${this.where}. ${PERMISSION_HINT}`,
        { store: this.uri },
      );
    }
  }

  async write(request: StoreWriteRequest): Promise<StoreWriteResult> {
    this.secrets.push(request.credential);
    const metadata = this.metadataFor(request);
    const before = await this.meta();
    this.checkAnnotationSize({ ...before.annotations, ...metadata.annotations });
    const current = this.parsed.jsonKey === undefined ? undefined : await this.latest();
    const value = Buffer.from(this.withKey(current, request.credential), 'utf8');
    if (current !== undefined) this.secrets.push(current.text);

    const [added] = await this.client.run(`add a version to ${this.where}`, 'once', () =>
      this.client.sdk.addSecretVersion(
        { parent: this.name, payload: { data: value, dataCrc32c: crc32c(value) } },
        this.client.callOptions,
      ),
    );
    const number = versionNumber(added.name);
    const version = number === undefined ? undefined : String(number);
    if (current !== undefined && number !== undefined && number !== current.version + 1) {
      // Another version arrived between our read and our write: ours was built on an older value
      // and may have dropped that writer's keys. Ours is latest now; say so rather than attach a URL.
      throw new StoreError(
        'STORE_CONFLICT',
        `Another version of ${this.where} was added while passgeni wrote (it read version ${current.version}, wrote version ${number}); the new credential is in version ${number}, which may lack that writer's change. Compare versions ${number - 1} and ${number}, then re-run. The certificate URL was not attached.`,
        { store: this.uri, credentialWritten: true, ...(version !== undefined && { version }) },
      );
    }
    try {
      await this.attach(before, metadata);
    } catch (error) {
      const cause = error instanceof StoreError ? error.message : 'the labels could not be set';
      throw urlNotAttached(this.uri, `in ${this.where}, version ${version ?? '?'}`, cause, version);
    }
    return { store: this.uri, ...(version !== undefined && { version }) };
  }

  private metadataFor(request: StoreWriteRequest): Pick<SecretMeta, 'labels' | 'annotations'> {
    return {
      labels: { [CERT_ID_LABEL]: labelSafe(request.certId) },
      annotations: {
        [CERT_URL_ANNOTATION]: request.certUrl,
        [CERT_KEY_ANNOTATION]: this.parsed.jsonKey ?? '',
        [ATTESTATION_URL_ANNOTATION]: request.attestationUrl ?? '',
        [TARGET_ANNOTATION]: request.target ?? '',
      },
    };
  }

  private checkAnnotationSize(annotations: Record<string, string>): void {
    const bytes = Object.entries(annotations).reduce(
      (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v),
      0,
    );
    if (bytes > ANNOTATIONS_MAX_BYTES) {
      throw new StoreError(
        'STORE_INVALID_VALUE',
        `The annotations of ${this.where} would take ${bytes} bytes; Secret Manager allows ${ANNOTATIONS_MAX_BYTES}. Nothing was written.`,
        { store: this.uri },
      );
    }
  }

  /**
   * PATCH labels and annotations, merged into what was read, conditional on its etag. If someone
   * changed the secret's metadata meanwhile, the merge is redone once on a fresh read.
   */
  private async attach(before: SecretMeta, ours: Pick<SecretMeta, 'labels' | 'annotations'>): Promise<void> {
    let base = before;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.run(`set the labels and annotations of ${this.where}`, 'retry', () =>
          this.client.sdk.updateSecret(
            {
              secret: {
                name: this.name,
                etag: base.etag,
                labels: { ...base.labels, ...ours.labels },
                annotations: { ...base.annotations, ...ours.annotations },
              },
              updateMask: { paths: ['labels', 'annotations'] },
            },
            this.client.callOptions,
          ),
        );
        return;
      } catch (error) {
        if (attempt >= 2 || !(error instanceof StoreError) || error.code !== 'STORE_CONFLICT') throw error;
        base = await this.meta();
      }
    }
  }

  async readCredential(): Promise<string | undefined> {
    const current = await this.latest();
    if (current === undefined) return undefined;
    const key = this.parsed.jsonKey;
    if (key === undefined) return current.text;
    try {
      const value = (JSON.parse(current.text) as Record<string, unknown>)[key];
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }

  async readCertificateUrl(): Promise<string | undefined> {
    const { annotations } = await this.meta();
    return urlForKey(
      annotations[CERT_URL_ANNOTATION],
      annotations[CERT_KEY_ANNOTATION],
      this.parsed.jsonKey ?? '',
    );
  }
}

export function openGcpStore(parsed: ParsedGcpUri, context: AdapterContext): GcpSecretManagerStore {
  const secrets: string[] = [];
  return new GcpSecretManagerStore(
    parsed,
    createGcpClient(context, parsed.uri, () => secrets),
    secrets,
  );
}
