/**
 * Which frameworks a council uses: the shipped ones, each replaced by the council's latest version
 * of it where it has made one, then the council's own. Importing a JSON document makes a new
 * version (of a framework the council has, numbered one above its current) or a new framework of
 * its own (version 1); assessments keep the version they were opened against.
 */
import type { Actor } from '../../platform/audit.js'
import type { DbOrTx } from '../../platform/db/index.js'
import type { TenantScope } from '../../platform/tenancy.js'
import { builtinFrameworks } from './builtin.js'
import {
  checkFramework,
  compareVersions,
  type FieldProblem,
  type Framework,
  nextVersion,
  parseFrameworkJson,
  type StandardChange,
} from './framework.js'
import { councilVersionsOf, latestCouncilVersions, saveFrameworkVersion } from './repository.js'

export interface FrameworkInUse {
  framework: Framework
  /** The shipped framework this council has adapted (a version of its own), or its own framework. */
  origin: 'shipped' | 'adapted' | 'own'
  main: boolean
}

/** Words the standards pages use in their own addresses, which a framework key may not take. */
export const reservedKeys = new Set(['rounds', 'returns', 'evidence', 'import'])

export async function frameworksFor(db: DbOrTx, scope: TenantScope): Promise<FrameworkInUse[]> {
  const council = await latestCouncilVersions(db, scope)
  const shipped = builtinFrameworks()
  const out: FrameworkInUse[] = shipped.map((f, i) => {
    const mine = council.get(f.key)
    return { framework: mine ?? f, origin: mine ? 'adapted' : 'shipped', main: i === 0 }
  })
  for (const [key, f] of council)
    if (!shipped.some((s) => s.key === key)) out.push({ framework: f, origin: 'own', main: false })
  return out
}

export async function frameworkFor(db: DbOrTx, scope: TenantScope, key: string): Promise<FrameworkInUse | undefined> {
  return (await frameworksFor(db, scope)).find((f) => f.framework.key === key)
}

/** The versions of a framework before the current one, newest first (the shipped one last). */
export async function earlierVersions(
  db: DbOrTx,
  scope: TenantScope,
  key: string,
): Promise<{ framework: Framework; createdAt: Date | null }[]> {
  const mine = await councilVersionsOf(db, scope, key)
  const shipped = builtinFrameworks().find((f) => f.key === key)
  return [...mine.slice(1), ...(shipped && mine.length > 0 ? [{ framework: shipped, createdAt: null }] : [])]
}

export type ImportOutcome =
  { kind: 'ok'; framework: Framework; changes: StandardChange[] | null } | { kind: 'invalid'; problems: FieldProblem[] }

export async function importFramework(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  text: string,
): Promise<ImportOutcome> {
  const parsed = parseFrameworkJson(text)
  if (!parsed.ok) return { kind: 'invalid', problems: parsed.problems }
  const incoming = parsed.framework
  if (reservedKeys.has(incoming.key))
    return {
      kind: 'invalid',
      problems: [{ path: 'key', message: `The key ${incoming.key} is used by the standards pages: choose another` }],
    }
  const current = await frameworkFor(db, scope, incoming.key)
  const made = current
    ? nextVersion(current.framework, incoming)
    : checkFramework({ ...incoming, version: 1, basedOn: null })
  if (!made.ok) return { kind: 'invalid', problems: made.problems }
  if (!(await saveFrameworkVersion(db, scope, actor, made.framework)))
    return {
      kind: 'invalid',
      problems: [
        {
          path: 'version',
          message: 'Someone saved a new version of this framework a moment ago: import the file again',
        },
      ],
    }
  return {
    kind: 'ok',
    framework: made.framework,
    changes: current ? compareVersions(current.framework, made.framework) : null,
  }
}
