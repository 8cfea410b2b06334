// Character rules shared by the corpus parser, the job catalog and the web app's request schemas.
// This module imports nothing, so browser code can use it too.

/** C0 controls except tab, line feed and carriage return, DEL, and C1 controls. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** A UTF-16 surrogate without its pair, which is not valid Unicode text. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A character no target word may contain: any C0 control (tab and line breaks too), DEL, or an
 * unpaired surrogate. PostgreSQL cannot store a NUL or an unpaired surrogate in a job's options.
 */
export const INVALID_TARGET_CHARACTER = new RegExp(`[\\u0000-\\u001F\\u007F]|${LONE_SURROGATE.source}`);
