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

  it('is a closed draft 2020-12 schema, one branch per claims version, stating the rules a JSON Schema validator can check', () => {
    type Branch = {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, Record<string, unknown>>;
    };
    const schema = certificateJsonSchema() as { $schema: string; oneOf: Branch[] };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const [v1, v2] = schema.oneOf;
    if (!v1 || !v2) throw new Error('expected a branch per version');
    expect([v1.additionalProperties, v2.additionalProperties]).toEqual([false, false]);
    expect(v1.properties.cert_version).toMatchObject({ const: 1 });
    expect(v2.properties.cert_version).toMatchObject({ const: 2 });
    const verified = ['jti', 'iss', 'sub', 'iat', 'exp', 'cert_version', 'compliance_standard'];
    // version 1: the client's statements beside the verified claims, as issued before version 2
    expect(v1.required).toEqual([
      ...verified,
      'standards_met',
      'generation_params',
      'entropy_bits',
      'generation_session_id',
      'entropy_source',
      'generated_at',
    ]);
    // version 2: the client's statements only under `asserted`
    expect(v2.required).toEqual([
      ...verified,
      'credential_kind',
      'standards_met',
      'generation_params',
      'entropy_bits',
      'generation_session_id',
      'asserted',
    ]);
    for (const name of ['entropy_source', 'generated_at', 'label', 'credential_binding']) {
      expect(v2.properties, name).not.toHaveProperty(name);
    }
    const asserted = v2.properties.asserted as unknown as Branch & { description: string };
    expect(asserted.required).toEqual(['entropy_source', 'generated_at']);
    expect(asserted.additionalProperties).toBe(false);
    expect(asserted.description).toMatch(/recorded but could not check/);
    expect(v2.properties.credential_kind?.enum).toEqual(['service', 'user']);
    expect(v2.properties.rotation_basis?.enum).toEqual(['clause', 'risk-analysis']);
    for (const branch of [v1, v2]) {
      const { properties } = branch;
      const said = branch === v2 ? asserted.properties : properties;
      expect(properties.compliance_standard?.enum).toEqual([...STANDARD_IDS]);
      expect(said.generated_at).toMatchObject({ format: 'date-time' });
      expect(properties.jti?.pattern).toBeTypeOf('string');
      expect(said.label?.pattern).toBeTypeOf('string');
      const binding = said.credential_binding as { properties: { N: { enum: number[] } } };
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
    }
  });
});
