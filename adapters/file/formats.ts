import { DotenvValueError, parseDotenv, setDotenvValue } from '../internal/dotenv-text.js';
import { JsonTextError, parseObjectText, spliceMember } from '../internal/json-text.js';
import { StoreError } from '../store.js';
import type { ParsedFileUri } from '../uri.js';

/** The two file formats: a key set in (or read from) JSON or dotenv text, the rest of the text untouched. */
export function renderJson(
  before: string | undefined,
  key: string,
  credential: string,
  store: string,
): string {
  const value = JSON.stringify(credential);
  const bom = before?.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = before === undefined ? '' : before.slice(bom.length);
  if (body.trim() === '') return `${bom}{\n  ${JSON.stringify(key)}: ${value}\n}\n`;
  try {
    return bom + spliceMember(body, key, value);
  } catch (error) {
    const reason = error instanceof JsonTextError ? error.message : 'the file could not be read as JSON';
    throw new StoreError(
      'STORE_INVALID_VALUE',
      `Cannot set "${key}" in this JSON file: ${reason}. Nothing was written.`,
      { store },
    );
  }
}

export function renderDotenv(
  before: string | undefined,
  key: string,
  credential: string,
  store: string,
): string {
  try {
    return setDotenvValue(before ?? '', key, credential);
  } catch (error) {
    const reason = error instanceof DotenvValueError ? error.message : 'the file could not be parsed';
    throw new StoreError(
      'STORE_INVALID_VALUE',
      `Cannot write "${key}" to this dotenv file: ${reason}. Nothing was written.`,
      { store },
    );
  }
}

export function readValue(
  text: string,
  format: ParsedFileUri['format'],
  key: string,
  store: string,
): string | undefined {
  if (format === 'dotenv') return parseDotenv(text).get(key);
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return undefined;
  let value: Record<string, unknown>;
  try {
    value = parseObjectText(body).value;
  } catch (error) {
    const reason = error instanceof JsonTextError ? error.message : 'invalid JSON';
    throw new StoreError('STORE_INVALID_VALUE', `The JSON file cannot be read: ${reason}.`, { store });
  }
  if (!Object.hasOwn(value, key)) return undefined;
  const found = value[key];
  if (typeof found !== 'string') {
    throw new StoreError('STORE_INVALID_VALUE', `"${key}" in the JSON file is not a string.`, { store });
  }
  return found;
}
