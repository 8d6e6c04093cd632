// ESLint flat config: typescript-eslint strictTypeChecked, zero warnings allowed (npm run lint).
import js from '@eslint/js'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import importX from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

// The layers (docs/architecture.md, ADR 22): lib is pure and imports only lib; platform imports
// no feature; a feature imports its own folder, platform, lib and db; only the composition roots
// (app.ts, server.ts, cli/, demo/) put features together. No exceptions.
const features = [
  'actions',
  'admin',
  'audit',
  'auth',
  'directory',
  'health',
  'home',
  'jobs',
  'needs',
  'partnerships',
  'public',
  'standards',
]
const roots = ['./src/app.ts', './src/server.ts', './src/cli', './src/demo']
const layerZones = [
  {
    target: './src/lib',
    from: ['./src/platform', './src/features', './src/db', './src/config.ts', ...roots],
    message: 'src/lib imports nothing of ours but lib.',
  },
  { target: './src/platform', from: ['./src/features', ...roots], message: 'src/platform imports no feature.' },
  { target: './src/db', from: ['./src/features', ...roots], message: 'src/db imports no feature.' },
  ...features.map((name) => ({
    target: `./src/features/${name}`,
    from: ['./src/features', ...roots],
    except: [`./${name}`],
    message: 'A feature imports only its own folder, platform, lib and db.',
  })),
]

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'public', 'data', 'coverage', 'src/db/migrations', '.ci'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.strictTypeChecked, ...tseslint.configs.stylisticTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'no-console': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      '@typescript-eslint/consistent-type-definitions': 'off',
      // openid-client marks this deprecated only so that it stands out; WTC uses it solely when
      // OIDC_ALLOW_HTTP=true, which config.ts refuses in production (src/features/auth/sso.ts).
      '@typescript-eslint/no-deprecated': [
        'error',
        { allow: [{ from: 'package', package: 'openid-client', name: 'allowInsecureRequests' }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        HTMLDialogElement: 'readonly',
        fetch: 'readonly',
        URLSearchParams: 'readonly',
        FormData: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },
)
