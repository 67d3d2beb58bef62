import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { beforeAll, describe, expect, it } from 'vitest';
import { manifestJsonSchema, MANIFEST_SCHEMA_ID } from '../../src/rotation/index.js';
import { STANDARDS } from '../../src/policy/index.js';

const SCHEMA_FILE = new URL('../../schema/passgeni.schema.json', import.meta.url);

/**
 * schema/passgeni.schema.json is generated from the zod schema the CLI validates with. After
 * changing src/rotation/manifest-schema.ts, regenerate it with
 *   PASSGENI_UPDATE_SCHEMA=1 npx vitest run test/rotation/schema.test.ts
 * The comparison is of the parsed JSON (formatting is prettier's business), key order included.
 */
describe('published manifest JSON Schema', () => {
  beforeAll(async () => {
    if (process.env.PASSGENI_UPDATE_SCHEMA !== '1') return;
    // Written as the repository's prettier settings format it, so `npm run lint` accepts it.
    const file = fileURLToPath(SCHEMA_FILE);
    const text = await format(JSON.stringify(manifestJsonSchema()), {
      ...(await resolveConfig(file)),
      filepath: file,
    });
    writeFileSync(SCHEMA_FILE, text);
  });

  it('is in sync with the zod schema', () => {
    // Re-serialised compactly on both sides: key order counts (editors show fields in it).
    const published = JSON.stringify(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    expect(published).toBe(JSON.stringify(manifestJsonSchema()));
  });

  it('is a draft 2020-12 schema that closes every object and describes the fields editors show', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as {
      $schema: string;
      $id: string;
      required: string[];
      additionalProperties: boolean;
      properties: {
        version: { const: number };
        defaults: { additionalProperties: boolean };
        credentials: {
          minItems: number;
          items: {
            required: string[];
            additionalProperties: boolean;
            properties: Record<string, { description?: string; examples?: string[] }>;
          };
        };
      };
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(MANIFEST_SCHEMA_ID);
    expect(schema.required).toEqual(['version', 'credentials']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.version.const).toBe(1);
    expect(schema.properties.defaults.additionalProperties).toBe(false);
    const credential = schema.properties.credentials.items;
    expect(credential.required).toEqual(['id', 'stores']);
    expect(credential.additionalProperties).toBe(false);
    expect(Object.keys(credential.properties)).toEqual([
      'id',
      'standard',
      'stores',
      'rotate_every_days',
      'label',
      'target',
      'strategy',
      'target_credential_from',
      'kind',
      'length',
      'exclude',
      'symbols',
      'classes',
      'bind',
    ]);
    for (const [name, property] of Object.entries(credential.properties)) {
      expect(property.description, name).toBeTruthy();
    }
    expect(credential.properties.standard?.examples).toEqual(
      STANDARDS.filter((s) => s.certifiable).map((s) => s.id),
    );
  });
});
