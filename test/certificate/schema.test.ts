import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateJsonSchema } from '../../src/certificate/index.js';
import { STANDARD_IDS } from '../../src/policy/types.js';

const SCHEMA_FILE = new URL('../../schema/certificate.schema.json', import.meta.url);

/**
 * schema/certificate.schema.json is generated from the zod claims schema. After changing
 * src/certificate/claims.ts, regenerate it (and the manifest schema) with
 *   PASSGENI_UPDATE_SCHEMA=1 npx vitest run test/certificate/schema.test.ts test/rotation/schema.test.ts
 */
describe('published certificate claims JSON Schema', () => {
  beforeAll(async () => {
    if (process.env.PASSGENI_UPDATE_SCHEMA !== '1') return;
    // Written as the repository's prettier settings format it, so `npm run lint` accepts it.
    const file = fileURLToPath(SCHEMA_FILE);
    const text = await format(JSON.stringify(certificateJsonSchema()), {
      ...(await resolveConfig(file)),
      filepath: file,
    });
    writeFileSync(SCHEMA_FILE, text);
  });

  it('is in sync with the zod schema', () => {
    // Re-serialised compactly on both sides: key order counts.
    const published = JSON.stringify(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    expect(published).toBe(JSON.stringify(certificateJsonSchema()));
  });

  it('is a closed draft 2020-12 schema stating the rules a JSON Schema validator can check', () => {
    const schema = certificateJsonSchema() as {
      $schema: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual([
      'jti',
      'iss',
      'sub',
      'iat',
      'exp',
      'cert_version',
      'compliance_standard',
      'standards_met',
      'generation_params',
      'entropy_bits',
      'entropy_source',
      'generation_session_id',
      'generated_at',
    ]);
    const { properties } = schema;
    expect(properties.compliance_standard?.enum).toEqual([...STANDARD_IDS]);
    expect(properties.generated_at).toMatchObject({ format: 'date-time' });
    expect(properties.jti?.pattern).toBeTypeOf('string');
    expect(properties.label?.pattern).toBeTypeOf('string');
    const binding = properties.credential_binding as { properties: { N: { enum: number[] } } };
    expect(binding.properties.N.enum).toEqual([
      2 ** 14,
      2 ** 15,
      2 ** 16,
      2 ** 17,
      2 ** 18,
      2 ** 19,
      2 ** 20,
    ]);
    for (const [name, property] of Object.entries(properties)) {
      expect(property.description, name).toBeTruthy();
    }
  });
});
