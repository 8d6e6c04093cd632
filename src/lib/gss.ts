/**
 * ONS area codes (GSS codes): a letter for the nation (E England, W Wales, S Scotland, N Northern
 * Ireland) and eight digits, e.g. 'E09000003' for Barnet. One pattern for every form, file and
 * address that takes one.
 */
export const GSS_CODE = /^[EWSN]\d{8}$/

/** A council WTC serves: an area code in England. */
export const ENGLISH_GSS_CODE = /^E\d{8}$/

export const isGssCode = (text: string): boolean => GSS_CODE.test(text)
