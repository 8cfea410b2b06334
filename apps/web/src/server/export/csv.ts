/**
 * Neutralises a text cell that a spreadsheet would run as a formula: a leading =, +, -, @, tab or
 * carriage return gets a single quote in front (the OWASP "CSV injection" advice), so the cell
 * shows as text. Numbers are written by `csvRow` without this, so negative values stay numeric.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Quotes a cell per RFC 4180 when it contains a comma, quote or line break. */
function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Formats one CSV record ending in CRLF; null and undefined become empty cells. */
export function csvRow(cells: (string | number | null | undefined)[]): string {
  return (
    cells
      .map((cell) => {
        if (cell === null || cell === undefined) return "";
        if (typeof cell === "number") return Number.isFinite(cell) ? String(cell) : "";
        return quote(neutraliseFormula(cell));
      })
      .join(",") + "\r\n"
  );
}
