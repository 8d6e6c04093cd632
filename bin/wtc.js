#!/usr/bin/env node
// The `wtc` command. Runs the compiled command line (dist/, made by `npm run build`) when there is
// one; otherwise, in a development checkout, the TypeScript source through tsx.
import { existsSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'

const root = new URL('../', import.meta.url)
const built = new URL('dist/src/cli/main.js', root)

let cli
if (existsSync(fileURLToPath(built))) {
  cli = await import(built.href)
} else {
  let register
  try {
    ;({ register } = await import('tsx/esm/api'))
  } catch {
    process.stderr.write('Run npm run build first: WTC has not been compiled (dist/ is missing).\n')
    process.exit(1)
  }
  register()
  cli = await import(new URL('src/cli/main.ts', root).href)
}
await cli.main()
