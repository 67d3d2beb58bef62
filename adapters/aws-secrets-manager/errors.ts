import { StoreError } from '../store.js';
import type { StoreErrorCode } from '../store.js';

const IAM_HINT =
  'The identity needs secretsmanager:GetSecretValue, secretsmanager:PutSecretValue, ' +
  'secretsmanager:UpdateSecretVersionStage and secretsmanager:TagResource on this secret ' +
  '(plus secretsmanager:CreateSecret with ?create=true, secretsmanager:DescribeSecret to read the ' +
  'certificate URL, and kms:Decrypt and kms:GenerateDataKey when the secret uses a customer-managed KMS key).';

export const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
]);
export const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);

export interface AwsErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

export function errorName(error: unknown): string {
  return (error as AwsErrorShape | undefined)?.name ?? 'Error';
}

/**
 * Turns an SDK error into a StoreError written by us: the SDK's message is never repeated.
 * `prefix` says what state the secret was left in.
 */
export function mapAwsError(
  store: string,
  secretId: string,
  action: string,
  error: unknown,
  prefix?: string,
): StoreError {
  const shape = (error ?? {}) as AwsErrorShape;
  const name = errorName(error);
  const status = shape.$metadata?.httpStatusCode;
  const attempts = shape.$metadata?.attempts;
  let code: StoreErrorCode = 'STORE_WRITE_FAILED';
  let message: string;
  if (name === 'AccessDeniedException') {
    code = 'STORE_ACCESS_DENIED';
    message = `AWS denied secretsmanager:${action} on "${secretId}". ${IAM_HINT}`;
  } else if (BAD_CREDENTIALS.has(name)) {
    code = 'STORE_ACCESS_DENIED';
    message = `AWS rejected the credentials (${name}) for secretsmanager:${action}: they are invalid or expired. Refresh them (e.g. aws-actions/configure-aws-credentials).`;
  } else if (name === 'DecryptionFailure' || name === 'EncryptionFailure') {
    code = 'STORE_ACCESS_DENIED';
    message = `secretsmanager:${action} on "${secretId}" failed with ${name}: the identity needs kms:Decrypt and kms:GenerateDataKey on the secret's KMS key.`;
  } else if (name === 'ResourceNotFoundException') {
    code = 'STORE_NOT_FOUND';
    message = `Secret "${secretId}" was not found (secretsmanager:${action}).`;
  } else if (THROTTLING.has(name)) {
    code = 'STORE_THROTTLED';
    message = `AWS throttled secretsmanager:${action}${attempts ? ` ${attempts} times in a row` : ''}. Secrets Manager allows about 50 writes per second per region across PutSecretValue, UpdateSecret and UpdateSecretVersionStage; retry later or spread rotations out.`;
  } else if (name === 'CredentialsProviderError') {
    code = 'STORE_AUTH_MISSING';
    message =
      'No AWS credentials were found. Provide them the usual way: aws-actions/configure-aws-credentials (GitHub OIDC), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance/task role.';
  } else if (/region is missing/i.test(shape.message ?? '')) {
    code = 'STORE_AUTH_MISSING';
    message = 'No AWS region is configured: set AWS_REGION, use a secret ARN, or configure a profile region.';
  } else if (name === 'InternalServiceError' || (status !== undefined && status >= 500)) {
    code = 'STORE_UNAVAILABLE';
    message = `Secrets Manager failed secretsmanager:${action} (${name}${status ? `, HTTP ${status}` : ''}); retry later.`;
  } else if (status === undefined && (name === 'TimeoutError' || shape.code === 'ETIMEDOUT')) {
    code = 'STORE_UNAVAILABLE';
    message = `Secrets Manager did not answer secretsmanager:${action} in time${attempts ? ` (${attempts} attempt(s))` : ''}. Check the endpoint and network, or raise PASSGENI_AWS_REQUEST_TIMEOUT_MS / PASSGENI_AWS_CONNECT_TIMEOUT_MS.`;
  } else if (status === undefined) {
    code = 'STORE_UNAVAILABLE';
    message = `Could not reach Secrets Manager for secretsmanager:${action} (${shape.code ?? name}).`;
  } else if (name === 'InvalidRequestException') {
    message = `AWS refused secretsmanager:${action} on "${secretId}" (InvalidRequestException): the secret may be scheduled for deletion or managed by another service.`;
  } else {
    message = `secretsmanager:${action} on "${secretId}" failed (${name}, HTTP ${status}).`;
  }
  if (prefix) message = `${prefix} ${message}`;
  return new StoreError(code, message, { store });
}
