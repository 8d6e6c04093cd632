import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project folder (holding package.json), whether running from src/ with tsx or from dist/. */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('Cannot find the WTC project folder (package.json)')
    dir = parent
  }
}

export const projectRoot = findRoot()
export const fromRoot = (...parts: string[]): string => path.join(projectRoot, ...parts)
