import { JsonTextError, parseObjectText, spliceMember, stringMember } from '../internal/json-text.js';
import { StoreError } from '../store.js';
import type { ParsedAwsUri } from '../uri.js';

/*
 * A secret's value is the credential itself or, with `#key` in the URI, a JSON object holding it
 * under that key; the object's other members are kept byte for byte.
 */

/** The SecretString with the credential set; `previous.text` undefined means a binary secret. */
export function withCredential(
  previous: { text: string | undefined } | undefined,
  credential: string,
  parsed: ParsedAwsUri,
): string {
  const { jsonKey, secretId, uri } = parsed;
  if (jsonKey === undefined) return credential;
  if (previous === undefined) return JSON.stringify({ [jsonKey]: credential });
  if (previous.text === undefined) {
    throw new StoreError(
      'STORE_INVALID_VALUE',
      `Secret "${secretId}" holds binary data, so #${jsonKey} cannot be set inside it. Nothing was written.`,
      { store: uri },
    );
  }
  try {
    return spliceMember(previous.text, jsonKey, JSON.stringify(credential));
  } catch (error) {
    const reason = error instanceof JsonTextError ? error.message : 'it could not be parsed';
    throw new StoreError(
      'STORE_INVALID_VALUE',
      `Cannot set #${jsonKey} in secret "${secretId}": ${reason}. Nothing was written.`,
      { store: uri },
    );
  }
}

/** The credential a SecretString holds; undefined when its JSON object has no such key. */
export function credentialIn(text: string, parsed: ParsedAwsUri): string | undefined {
  const { jsonKey, secretId, uri } = parsed;
  if (jsonKey === undefined) return text;
  let value: Record<string, unknown>;
  try {
    value = parseObjectText(text).value;
  } catch {
    throw new StoreError('STORE_INVALID_VALUE', `Secret "${secretId}" is not a JSON object.`, { store: uri });
  }
  return stringMember(value, jsonKey, `#${jsonKey} in "${secretId}"`, uri);
}
