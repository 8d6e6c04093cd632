// Compiles the Sass and copies the browser assets once before any test runs.
import { buildAssets } from '../../scripts/build-assets.js'

export default function setup(): void {
  buildAssets()
}
