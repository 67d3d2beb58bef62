import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.mjs', '.passgeni/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // DESIGN §2: the authority must never be able to touch a credential, and the pure core
    // must not depend on the things built on top of it.
    files: ['src/issuer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/generate/**', '**/adapters/**', '../../adapters/*'],
              message: 'The issuer must never import the generator or a store adapter (DESIGN §2).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/policy/**/*.ts', 'src/generate/**/*.ts', 'src/certificate/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/issuer/**', '**/cli/**', '**/action/**', '**/adapters/**', '**/engine*'],
              message: 'policy, generate and certificate are the pure core (DESIGN §2).',
            },
          ],
        },
      ],
    },
  },
);
