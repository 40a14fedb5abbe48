import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** The DLQ console's browser modules: plain JS, type-checked by apps/sample/tsconfig.admin-ui.json. */
const ADMIN_UI = 'apps/sample/src/admin/ui/js/**/*.js';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs', `!${ADMIN_UI}`],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: [ADMIN_UI],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.browser,
      sourceType: 'module',
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      // Entry values reach the page as text only (see dom.js).
      'no-restricted-properties': [
        'error',
        {
          property: 'innerHTML',
          message: 'Set textContent: entry values are attacker-controlled.',
        },
        {
          property: 'outerHTML',
          message: 'Set textContent: entry values are attacker-controlled.',
        },
        { property: 'insertAdjacentHTML', message: 'Build nodes with el() instead.' },
      ],
    },
  },
  prettier,
);
