/** The migrated PGlite database every test file starts from (built by global-setup.ts). */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { migrationsFolder, openDatabase } from '../../src/platform/db/index.js'
import { loadReferenceData } from '../../src/platform/reference.js'
import { fromRoot } from '../../src/platform/root.js'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

/** Named by what goes into it: the migrations, the reference data and the PGlite version. */
export function pgliteSnapshotPath(): string {
  const hash = createHash('sha256')
  for (const file of [
    ...filesUnder(migrationsFolder),
    ...filesUnder(fromRoot('src/db/reference')),
    fromRoot('src/platform/reference.ts'),
    fromRoot('node_modules/@electric-sql/pglite/package.json'),
  ]) {
    hash
      .update(path.relative(fromRoot('.'), file))
      .update('\0')
      .update(readFileSync(file))
      .update('\0')
  }
  return path.join(os.tmpdir(), 'wtc-test-snapshots', `pglite-${hash.digest('hex').slice(0, 16)}.tar`)
}

export async function buildPgliteSnapshot(file: string): Promise<void> {
  if (existsSync(file)) return
  const database = await openDatabase({ dataDir: 'memory' })
  await database.migrate()
  await loadReferenceData(database.db)
  const client = (database.db as unknown as { $client: PGlite }).$client
  const dump = await client.dumpDataDir('none')
  await database.close()
  mkdirSync(path.dirname(file), { recursive: true })
  const partial = `${file}.${String(process.pid)}.partial`
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()))
  renameSync(partial, file)
}

let loaded: Blob | undefined

/** The snapshot as a Blob, read once per test process; undefined when global setup did not build it. */
export function pgliteSnapshot(): Blob | undefined {
  if (loaded) return loaded
  const file = pgliteSnapshotPath()
  if (!existsSync(file)) return undefined
  loaded = new Blob([readFileSync(file)])
  return loaded
}
