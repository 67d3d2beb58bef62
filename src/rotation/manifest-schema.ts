import { CREDENTIAL_KINDS, MAX_LENGTH, STANDARDS } from '../policy/index.js';
import * as z from '../zod.js';

/**
 * The rotation manifest (`passgeni.yml`), as a zod schema. It is the single source of truth:
 * `schema/passgeni.schema.json` is generated from it (test/rotation/schema.test.ts fails when the
 * two drift), so editors that read JSON Schema and `passgeni rotate` agree on what is valid.
 *
 * The schema checks shape only. What needs the project's own tables — standard names and
 * aliases, store URI grammar, duplicate ids, a standard's minimum length — is checked after it
 * (manifest.ts), so every problem is reported in one pass with its line and column.
 */

const CLASS = z.enum(['upper', 'lower', 'digit', 'special']);

// Ids name credentials in reports, shard assignment and CI logs: keep them printable and short.
const ID = /^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,127}$/;
// Labels are published in certificates; the issuer accepts printable text of up to 128 characters.
// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;

const CERTIFIABLE = STANDARDS.filter((s) => s.certifiable).map((s) => s.id);

const standard = z.string().check(
  z.minLength(1),
  z.meta({
    description: `The standard to certify to: ${CERTIFIABLE.join(', ')} (ids or their aliases, case-insensitive).`,
    examples: CERTIFIABLE,
  }),
);

const rotateEveryDays = z.number().check(
  z.int(),
  z.minimum(0),
  z.maximum(3650),
  z.meta({
    description:
      "Rotate when the credential is older than this many days (from the certificate's generated_at). 0 = no age-based rotation (expiry, revocation and the other checks still apply).",
  }),
);

// What a credential may set and otherwise inherits from the defaults, besides its standard and period.
const policyFields = {
  kind: z.optional(
    z.enum(CREDENTIAL_KINDS).check(
      z.meta({
        description:
          'service (a machine uses it: database, API, service account; the default) or user (a person logs in with it). Decides which clauses of the standard govern the credential and its rotation.',
      }),
    ),
  ),
  length: z.optional(
    z.number().check(
      z.int(),
      z.minimum(1),
      z.maximum(MAX_LENGTH),
      z.meta({
        description: "Credential length; default: the standard's default length. Never below its minimum.",
      }),
    ),
  ),
  exclude: z.optional(
    z
      .string()
      .check(
        z.maxLength(256),
        z.meta({ description: 'Characters the target system rejects; they are never generated.' }),
      ),
  ),
  symbols: z.optional(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(256),
        z.meta({ description: 'Use this set of punctuation characters instead of all 32.' }),
      ),
  ),
  classes: z.optional(
    z
      .array(CLASS)
      .check(z.minLength(1), z.meta({ description: 'Character classes to include (default: all four).' })),
  ),
  bind: z.optional(
    z.boolean().check(
      z.meta({
        description:
          'Attach a scrypt credential binding, so `verify --credential-from` and `inventory --check-binding` can prove the stored value is the certified one.',
      }),
    ),
  ),
};

export const defaultsSchema = z
  .strictObject({
    standard: z.optional(standard),
    rotate_every_days: z.optional(rotateEveryDays),
    ...policyFields,
  })
  .check(z.meta({ description: 'Values every credential inherits unless it sets its own.' }));

export const credentialSchema = z
  .strictObject({
    id: z.string().check(
      z.regex(ID, {
        error: 'an id is 1-128 characters: letters, digits and . _ / : @ -, starting with a letter or digit',
      }),
      z.meta({
        description:
          'Unique name of the credential in this manifest (letters, digits and . _ / : @ -, up to 128). Sharding hashes it, so keep it stable.',
      }),
    ),
    standard: z.optional(standard).check(
      z.meta({
        description: `The standard to certify to (default: defaults.standard): ${CERTIFIABLE.join(', ')}, or an alias.`,
        examples: CERTIFIABLE,
      }),
    ),
    stores: z.array(z.string().check(z.minLength(1), z.maxLength(2048))).check(
      z.minLength(1),
      z.maxLength(16),
      z.meta({
        description:
          'Store URIs the credential is written to (aws-sm://, vault://, doppler://, k8s://, file://). The first one is read to find the current certificate. Relative file:// paths are relative to the manifest.',
      }),
    ),
    rotate_every_days: z.optional(rotateEveryDays),
    label: z
      .optional(
        z
          .string()
          .check(
            z.minLength(1),
            z.maxLength(128),
            z.regex(PRINTABLE, { error: 'a label is printable text (no control characters or line breaks)' }),
          ),
      )
      .check(
        z.meta({ description: 'Label recorded in the certificate (certificates are public: no secrets).' }),
      ),
    target: z.optional(
      z.string().check(
        z.minLength(1),
        z.maxLength(2048),
        z.regex(/^(postgres|postgresql|mysql|redis|rediss):\/\/[^:@/#]+@[^#]+#.+$/, {
          error: 'a target is postgresql://ADMIN@HOST[:PORT]/DATABASE#ROLE, with no password in it',
        }),
        z.meta({
          description:
            "The system that must accept the new credential: postgresql://ADMIN@HOST[:PORT]/DATABASE[?sslmode=…]#ROLE. The admin password comes from target_credential_from or libpq's environment (PGPASSWORD, PGSERVICE, ~/.pgpass), never from the manifest. See docs/rotation.md.",
        }),
      ),
    ),
    strategy: z.optional(
      z.enum(['single', 'alternating']).check(
        z.meta({
          description:
            'single (default): rotate the target account in place. alternating: the target names two accounts (#app_a,app_b); each rotation sets the one not in use and stores {"username","password"}, so clients holding the previous value keep working.',
        }),
      ),
    ),
    target_credential_from: z.optional(
      z.string().check(
        z.minLength(1),
        z.maxLength(2048),
        z.meta({
          description:
            "A store URI holding the target admin's password (relative file:// paths are relative to the manifest).",
        }),
      ),
    ),
    ...policyFields,
  })
  .check(z.meta({ description: 'One credential to keep certified and rotated.' }));

export const manifestSchema = z
  .strictObject(
    {
      version: z
        .literal(1, { error: 'must be 1 (the only manifest version)' })
        .check(z.meta({ description: 'Manifest format version. Always 1.' })),
      defaults: z.optional(defaultsSchema),
      credentials: z
        .array(credentialSchema)
        .check(z.minLength(1), z.meta({ description: 'The credentials to rotate.' })),
    },
    { error: 'the manifest must be a YAML mapping with "version: 1" and a "credentials" list' },
  )
  .check(
    z.meta({
      title: 'PassGeni rotation manifest',
      description:
        'passgeni.yml: the credentials `passgeni rotate` keeps certified, where they are stored and how often they rotate. See docs/rotation.md.',
    }),
  );

export type ManifestDefaults = z.infer<typeof defaultsSchema>;
export type ManifestCredentialInput = z.infer<typeof credentialSchema>;

export const MANIFEST_SCHEMA_ID = 'https://passgeni.ai/schema/passgeni.schema.json';

/** The published JSON Schema (schema/passgeni.schema.json is this, pretty-printed). */
export function manifestJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(manifestSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return { $schema, $id: MANIFEST_SCHEMA_ID, ...rest };
}
