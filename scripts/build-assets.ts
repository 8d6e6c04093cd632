/**
 * Builds what the browser needs into public/: our Sass (with govuk-frontend and MoJ Frontend) to
 * CSS, govuk-frontend's JavaScript, our JavaScript and images. Run by `npm run build` and `npm start`.
 */
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import * as sass from 'sass'
import { fromRoot } from '../src/platform/root.js'

const require = createRequire(import.meta.url)

export function buildAssets(): void {
  const out = fromRoot('public')
  mkdirSync(path.join(out, 'stylesheets'), { recursive: true })
  mkdirSync(path.join(out, 'js'), { recursive: true })
  const result = sass.compile(fromRoot('src/assets/scss/app.scss'), {
    loadPaths: [fromRoot('node_modules'), fromRoot()],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
    logger: sass.Logger.silent,
  })
  writeFileSync(path.join(out, 'stylesheets/app.css'), result.css)
  const govukDist = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist/govuk')
  copyFileSync(path.join(govukDist, 'govuk-frontend.min.js'), path.join(out, 'js/govuk-frontend.min.js'))
  cpSync(fromRoot('src/assets/js'), path.join(out, 'js'), { recursive: true })
  cpSync(fromRoot('src/assets/images'), path.join(out, 'images'), { recursive: true })
}

const invokedDirectly =
  process.argv[1] &&
  path.resolve(process.argv[1]).replace(/\.ts$/, '.js').endsWith(path.join('scripts', 'build-assets.js'))
if (invokedDirectly) {
  buildAssets()
}
