/**
 * The project's shared folder (published data, the guide, domain notes) sits beside the
 * repository: <repo>/../shared, in development and in CI alike. WTC_SHARED_DIR points elsewhere.
 * Tests read their expected figures from the publisher's own files there, independently of the
 * copies the product ships in src/db/reference/.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The shared folder itself. */
export function sharedDir(): string {
  const fromEnv = process.env.WTC_SHARED_DIR
  return fromEnv && fromEnv.trim() !== '' ? path.resolve(fromEnv) : path.resolve(repoRoot, '..', 'shared')
}

/** A path inside the shared folder: sharedPath('domain', 'data-formats.md'). */
export function sharedPath(...parts: string[]): string {
  return path.join(sharedDir(), ...parts)
}

/** A path inside the shared data folder: sharedDataPath('ndtms', 'viewit-la-barnet-2009-2022.csv'). */
export function sharedDataPath(...parts: string[]): string {
  return path.join(sharedDir(), 'data', ...parts)
}
