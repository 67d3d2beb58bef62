import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { DescribeSecretCommandOutput, SecretsManagerClient, Tag } from '@aws-sdk/client-secrets-manager';
import type { AdapterContext } from '../options.js';
import { StoreError, urlNotAttached } from '../store.js';
import type { SecretStore, StoreWriteRequest, StoreWriteResult } from '../store.js';
import type { ParsedAwsUri } from '../uri.js';
import { createClient } from './client.js';
import { BAD_CREDENTIALS, errorName, mapAwsError, THROTTLING } from './errors.js';
import type { AwsErrorShape } from './errors.js';
import { requestToken } from './request-token.js';
import { credentialIn, withCredential } from './secret-string.js';
import { ATTESTATION_URL_TAG, CERT_KEY_TAG, CERT_URL_TAG, TARGET_TAG, certUrlFromTags } from './tags.js';

/**
 * Our own staging label for a version that is written but not yet current. AWSPENDING is not
 * used: a rotation Lambda treats an AWSPENDING version that is not AWSCURRENT as "rotation in
 * progress", so a crash between our two calls would block the secret's rotation.
 */
export const PENDING_STAGE = 'PASSGENI_PENDING';
const TAG_VALUE_MAX = 256;

interface CurrentVersion {
  versionId: string;
  text: string | undefined;
}

/**
 * One secret, or one key of a JSON secret: the new value is written as a version and made current
 * by compare-and-swap, then the certificate URL is attached as a tag.
 */
export class AwsSecretsManagerStore implements SecretStore {
  readonly kind = 'aws-sm' as const;
  readonly uri: string;
  private readonly client: SecretsManagerClient;

  constructor(
    private readonly parsed: ParsedAwsUri,
    context: AdapterContext,
  ) {
    this.uri = parsed.uri;
    this.client = createClient(context, parsed.arnRegion);
  }

  private fail(action: string, error: unknown, prefix?: string): StoreError {
    return mapAwsError(this.uri, this.parsed.secretId, action, error, prefix);
  }

  /** The call's result, or undefined when the secret does not exist. */
  private async unlessMissing<T>(action: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return undefined;
      throw this.fail(action, error);
    }
  }

  private tags(request: StoreWriteRequest): Tag[] {
    return [
      { Key: CERT_URL_TAG, Value: request.certUrl },
      { Key: CERT_KEY_TAG, Value: this.parsed.jsonKey ?? '' },
      { Key: ATTESTATION_URL_TAG, Value: request.attestationUrl ?? '' },
      { Key: TARGET_TAG, Value: request.target ?? '' },
    ];
  }

  /** Checked before anything is written, so a too-long URL cannot leave a value without its tag. */
  private checkTagLimits(request: StoreWriteRequest): void {
    for (const { Key, Value = '' } of this.tags(request)) {
      if (Value.length > TAG_VALUE_MAX) {
        throw new StoreError(
          'STORE_INVALID_VALUE',
          `The ${Key} tag would be ${Value.length} characters; AWS allows ${TAG_VALUE_MAX}. Nothing was written.`,
          { store: this.uri },
        );
      }
    }
  }

  private async current(): Promise<CurrentVersion | undefined> {
    return this.unlessMissing('GetSecretValue', async () => {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.parsed.secretId }));
      if (!out.VersionId) throw new Error('missing VersionId');
      return { versionId: out.VersionId, text: out.SecretString };
    });
  }

  private describe(): Promise<DescribeSecretCommandOutput | undefined> {
    return this.unlessMissing('DescribeSecret', () =>
      this.client.send(new DescribeSecretCommand({ SecretId: this.parsed.secretId })),
    );
  }

  /** DescribeSecret: resolves the region and credentials, and says whether the secret exists. */
  async preflight(): Promise<void> {
    if ((await this.describe()) === undefined && !this.parsed.create) throw this.notFound();
  }

  private notFound(): StoreError {
    const secretId = this.parsed.secretId;
    return new StoreError(
      'STORE_NOT_FOUND',
      `Secret "${secretId}" does not exist. passgeni never creates secrets unless asked: add ?create=true to the URI (e.g. aws-sm://${secretId}?create=true) or create it first.`,
      { store: this.uri },
    );
  }

  async write(request: StoreWriteRequest): Promise<StoreWriteResult> {
    this.checkTagLimits(request);
    const secretId = this.parsed.secretId;
    const token = requestToken(secretId, request.certId);
    const previous = await this.current();
    let version: string;

    if (previous === undefined) {
      if ((await this.describe()) === undefined) {
        if (!this.parsed.create) throw this.notFound();
        return { store: this.uri, version: await this.create(request, token) };
      }
      // The secret exists but has no value yet (e.g. created by Terraform without a version):
      // its first version becomes AWSCURRENT on its own, and there is nothing to lose.
      version = await this.put(withCredential(undefined, request.credential, this.parsed), token, undefined);
    } else if (previous.versionId === token) {
      // An earlier attempt with this certificate already made its version current.
      version = token;
    } else {
      const next = withCredential(previous, request.credential, this.parsed);
      version = await this.put(next, token, [PENDING_STAGE]);
      await this.promote(version, previous.versionId);
    }

    try {
      await this.client.send(new TagResourceCommand({ SecretId: secretId, Tags: this.tags(request) }));
    } catch (error) {
      const cause = this.fail('TagResource', error).message;
      throw urlNotAttached(this.uri, `version ${version}, AWSCURRENT`, cause, version);
    }
    return { store: this.uri, version };
  }

  private async put(text: string, token: string, stages: string[] | undefined): Promise<string> {
    try {
      const out = await this.client.send(
        new PutSecretValueCommand({
          SecretId: this.parsed.secretId,
          SecretString: text,
          ClientRequestToken: token,
          ...(stages && { VersionStages: stages }),
        }),
      );
      return out.VersionId ?? token;
    } catch (error) {
      if (errorName(error) === 'ResourceExistsException') {
        // The token (derived from this certificate) already names a version with other content:
        // the secret changed between two attempts of this write.
        throw new StoreError(
          'STORE_CONFLICT',
          `A version for this certificate already exists in "${this.parsed.secretId}" with different content: the secret changed between attempts. Nothing was made current; issue a new certificate and retry.`,
          { store: this.uri },
        );
      }
      throw this.fail('PutSecretValue', error);
    }
  }

  /**
   * Moves AWSCURRENT from the version we read to ours. AWS refuses when AWSCURRENT is no longer on
   * `from`, which makes this a compare-and-swap: a writer that got in between is detected, and
   * its value stays current.
   */
  private async promote(to: string, from: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: this.parsed.secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: to,
          RemoveFromVersionId: from,
        }),
      );
    } catch (error) {
      // A refusal that is not about access or throttling may be the compare-and-swap failing, or
      // an earlier attempt of ours having succeeded: the current version tells which.
      const name = errorName(error);
      const status = (error as AwsErrorShape).$metadata?.httpStatusCode;
      if (
        status !== undefined &&
        status < 500 &&
        name !== 'AccessDeniedException' &&
        !THROTTLING.has(name) &&
        !BAD_CREDENTIALS.has(name)
      ) {
        const now = await this.current();
        if (now?.versionId === to) return;
        if (now?.versionId !== from) {
          throw new StoreError(
            'STORE_CONFLICT',
            `Secret "${this.parsed.secretId}" was changed by another writer after it was read (AWSCURRENT moved from version ${from}); their value stays current and nothing of ours was made current. Re-run to write on top of it.`,
            { store: this.uri },
          );
        }
      }
      throw this.fail(
        'UpdateSecretVersionStage',
        error,
        'The new value was written as a version but not made current; the previous value is still AWSCURRENT.',
      );
    } finally {
      await this.dropPending(to);
    }
  }

  /** Best effort: a leftover label is harmless, an unlabelled version is eventually deleted by AWS. */
  private async dropPending(versionId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: this.parsed.secretId,
          VersionStage: PENDING_STAGE,
          RemoveFromVersionId: versionId,
        }),
      );
    } catch {
      // Deliberately ignored; see above.
    }
  }

  private async create(request: StoreWriteRequest, token: string): Promise<string> {
    try {
      const out = await this.client.send(
        new CreateSecretCommand({
          Name: this.parsed.secretId,
          SecretString: withCredential(undefined, request.credential, this.parsed),
          ClientRequestToken: token,
          Tags: this.tags(request),
        }),
      );
      return out.VersionId ?? token;
    } catch (error) {
      if (errorName(error) === 'ResourceExistsException') {
        const now = await this.current();
        if (now?.versionId === token) return token;
        throw new StoreError(
          'STORE_CONFLICT',
          `Secret "${this.parsed.secretId}" was created by another writer at the same time; nothing was written. Re-run to write on top of it.`,
          { store: this.uri },
        );
      }
      throw this.fail('CreateSecret', error);
    }
  }

  async readCredential(): Promise<string | undefined> {
    const current = await this.current();
    if (current?.text === undefined) return undefined;
    return credentialIn(current.text, this.parsed);
  }

  async readCertificateUrl(): Promise<string | undefined> {
    return certUrlFromTags((await this.describe())?.Tags, this.parsed.jsonKey ?? '');
  }
}
