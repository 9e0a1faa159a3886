// ESLint with typescript-eslint's type-checked rules over every TypeScript file; Prettier
// owns the layout, so the rules that would fight it are off (eslint-config-prettier).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // AssemblyScript sources (i32, load<T>, …) are not TypeScript that the type checker knows.
  {
    ignores: [
      'dist/',
      'report/',
      'assembly/',
      'node_modules/',
      'examples/kernels/**/*.ts',
      'test/fixtures/kernels/**/*.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The pool passes on whatever a task threw, as `await` would: an `unknown`, not a new Error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // CommonJS entry points (require('parwasm')): require() is what they are for.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
