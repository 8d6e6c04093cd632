/**
 * Limits on what one import and one council may hold of indicator data (Fingertips and local
 * indicators), issue 10: a council's file of 1,000,000 rows with distinct indicator names, within
 * the upload limit, made every needs page build a table of a million indicators. The settings are
 * IMPORT_MAX_ROWS (any kind of file), IMPORT_MAX_INDICATORS, COUNCIL_MAX_INDICATOR_ROWS and
 * COUNCIL_MAX_INDICATORS (src/config.ts). A file over a limit is refused, naming the row and the
 * setting, and nothing is stored.
 */
import { sql } from 'drizzle-orm'
import { type DbOrTx, queryRows } from '../../../platform/db/index.js'
import type { RowValues } from './writer.js'

export interface ImportLimits {
  rowsPerImport: number
  indicatorsPerImport: number
  indicatorRowsPerCouncil: number
  indicatorsPerCouncil: number
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  rowsPerImport: 1_000_000,
  indicatorsPerImport: 5_000,
  indicatorRowsPerCouncil: 2_000_000,
  indicatorsPerCouncil: 10_000,
}

/** The tables of indicator data, and the column that names the indicator. */
const indicatorColumn: Record<string, { column: string; header: string }> = {
  fingertips_values: { column: 'indicator_id', header: 'Indicator ID' },
  local_indicators: { column: 'indicator', header: 'indicator' },
}

const fmt = (n: number) => n.toLocaleString('en-GB')

/** Checks one file's rows as they are read; each method gives the refusal once a limit is passed. */
export class ImportLimitCheck {
  private readonly indicators = new Set<string>()
  private readonly column: { column: string; header: string } | undefined

  constructor(
    private readonly limits: ImportLimits,
    table: string,
  ) {
    this.column = indicatorColumn[table]
  }

  /** After counting a data row: the refusal when the file has more rows than allowed. */
  rows(rowsRead: number): string | null {
    if (rowsRead <= this.limits.rowsPerImport) return null
    return `The file has more than ${fmt(this.limits.rowsPerImport)} rows, the most one import may hold (IMPORT_MAX_ROWS). Split it into smaller files.`
  }

  /** For a checked row: the refusal (with the column and value) when it brings one indicator too many. */
  indicator(values: RowValues): { column: string; value: string; reason: string } | null {
    if (!this.column) return null
    const raw = values[this.column.column]
    const value = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : JSON.stringify(raw ?? null)
    if (this.indicators.has(value)) return null
    this.indicators.add(value)
    if (this.indicators.size <= this.limits.indicatorsPerImport) return null
    return {
      column: this.column.header,
      value,
      reason: `The file has more than ${fmt(this.limits.indicatorsPerImport)} different indicators, the most one import may hold (IMPORT_MAX_INDICATORS).`,
    }
  }
}

/**
 * After the merge, inside its transaction: the council's indicator rows and distinct indicators
 * across both tables; the refusal when either is over its limit (the transaction is then rolled
 * back, so the council keeps what it had).
 */
export async function councilLimitProblem(db: DbOrTx, tenantId: string, limits: ImportLimits): Promise<string | null> {
  const rows = await queryRows<{ n: string; d: string }>(
    db,
    sql`SELECT (SELECT count(*) FROM fingertips_values WHERE tenant_id = ${tenantId})
                 + (SELECT count(*) FROM local_indicators WHERE tenant_id = ${tenantId}) AS n,
               (SELECT count(DISTINCT indicator_id) FROM fingertips_values WHERE tenant_id = ${tenantId})
                 + (SELECT count(DISTINCT indicator) FROM local_indicators WHERE tenant_id = ${tenantId}) AS d`,
  )
  const total = Number(rows[0]?.n ?? 0)
  const distinct = Number(rows[0]?.d ?? 0)
  const advice = 'Remove indicators you no longer need, or ask your administrator to raise the limit.'
  if (distinct > limits.indicatorsPerCouncil) {
    return `Your council would then hold ${fmt(distinct)} different indicators, more than the ${fmt(limits.indicatorsPerCouncil)} allowed (COUNCIL_MAX_INDICATORS). ${advice}`
  }
  if (total > limits.indicatorRowsPerCouncil) {
    return `Your council would then hold ${fmt(total)} indicator rows, more than the ${fmt(limits.indicatorRowsPerCouncil)} allowed (COUNCIL_MAX_INDICATOR_ROWS). ${advice}`
  }
  return null
}

/** Thrown inside the merge to roll it back; turned into a refusal of the file. */
export class CouncilLimitError extends Error {}

/** Whether a table holds indicator data (the council limits apply to imports into it). */
export const holdsIndicators = (table: string): boolean => table in indicatorColumn
