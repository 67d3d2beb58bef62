import { DotenvValueError, parseDotenv, setDotenvValue } from '../internal/dotenv-text.js';
import { JsonTextError, parseObjectText, spliceMember, stringMember } from '../internal/json-text.js';
import { StoreError } from '../store.js';
import type { ParsedFileUri } from '../uri.js';

/** The two file formats: a key set in (or read from) JSON or dotenv text, the rest of the text untouched. */
export function render(
  format: ParsedFileUri['format'],
  before: string | undefined,
  key: string,
  credential: string,
  store: string,
): string {
  try {
    if (format === 'dotenv') return setDotenvValue(before ?? '', key, credential);
    const value = JSON.stringify(credential);
    const bom = before?.startsWith('\uFEFF') ? '\uFEFF' : '';
    const body = before === undefined ? '' : before.slice(bom.length);
    if (body.trim() === '') return `${bom}{\n  ${JSON.stringify(key)}: ${value}\n}\n`;
    return bom + spliceMember(body, key, value);
  } catch (error) {
    const known = error instanceof JsonTextError || error instanceof DotenvValueError;
    throw new StoreError(
      'STORE_INVALID_VALUE',
      `Cannot set "${key}" in this ${format === 'json' ? 'JSON' : 'dotenv'} file: ${known ? error.message : 'the file could not be parsed'}. Nothing was written.`,
      { store },
    );
  }
}

/** A JSON file's object (a leading BOM allowed); throws JsonTextError when it holds no object. */
export function jsonObject(text: string): Record<string, unknown> {
  return parseObjectText(text.startsWith('\uFEFF') ? text.slice(1) : text).value;
}

export function readValue(
  text: string,
  format: ParsedFileUri['format'],
  key: string,
  store: string,
): string | undefined {
  if (format === 'dotenv') return parseDotenv(text).get(key);
  if (text.replace(/^\uFEFF/, '').trim() === '') return undefined;
  let value: Record<string, unknown>;
  try {
    value = jsonObject(text);
  } catch (error) {
    const reason = error instanceof JsonTextError ? error.message : 'invalid JSON';
    throw new StoreError('STORE_INVALID_VALUE', `The JSON file cannot be read: ${reason}.`, { store });
  }
  return stringMember(value, key, `"${key}" in the JSON file`, store);
}
