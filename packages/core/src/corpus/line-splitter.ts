import type { CorpusRowProblem } from "./error-params.ts";

/** Problem that makes a source line unusable. */
export type LineProblem = CorpusRowProblem<"invalid_utf8" | "line_too_long">;

/** One line of the source file, without its line break ("\n", "\r\n" or "\r"). */
export interface SourceLine {
  /** 1-based line number in the source file. */
  lineNumber: number;
  /** The break that ended the line, with "\r\n" reported as "\n"; null for a last line without one. */
  lineBreak: "\n" | "\r" | null;
  /**
   * Decoded text. After an "invalid_utf8" problem it contains U+FFFD replacements, so a CSV parser
   * can still track quotes. After "line_too_long" it is empty because the bytes were dropped.
   */
  text: string;
  problem: LineProblem | null;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

/** Counts Unicode code points of a string: UTF-16 length minus one per surrogate pair. */
export function countCodePoints(text: string): number {
  let count = text.length;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count -= 1;
        index += 1;
      }
    }
  }
  return count;
}

/** Returns the smaller of two indexOf results, where -1 means not found. */
function firstFound(first: number, second: number): number {
  if (first === -1) return second;
  if (second === -1) return first;
  return Math.min(first, second);
}

/**
 * Splits a byte stream into decoded lines with bounded memory: it keeps at most one partial line,
 * and a line longer than the limit is dropped byte by byte until its line break. A line ends at
 * "\n", "\r\n" or a lone "\r" (old Mac files), also when a chunk ends between "\r" and "\n".
 * Each line is decoded on its own with a fatal UTF-8 decoder, so one invalid line does not affect
 * the others. A UTF-8 byte-order mark at the start of the input is removed.
 */
export class LineSplitter {
  readonly #maxLineLength: number;
  /** UTF-8 needs at most 4 bytes per code point. */
  readonly #maxLineBytes: number;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  readonly #lossyDecoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #overflow = false;
  #lineNumber = 0;
  #atStart = true;
  /** The last chunk ended with "\r", so its line is held until the next byte shows whether the break is "\r\n". */
  #afterCarriageReturn = false;

  constructor(maxLineLength: number) {
    this.#maxLineLength = maxLineLength;
    this.#maxLineBytes = maxLineLength * 4;
  }

  /**
   * Adds a chunk and returns the lines it completes. The first chunk must hold the first three
   * bytes of the input (or all of it) so that a byte-order mark is recognized.
   */
  push(chunk: Uint8Array): SourceLine[] {
    let start = 0;
    if (this.#atStart && chunk.length > 0) {
      this.#atStart = false;
      if (BOM.every((byte, index) => chunk[index] === byte)) {
        start = BOM.length;
      }
    }

    const lines: SourceLine[] = [];
    if (this.#afterCarriageReturn && start < chunk.length) {
      this.#afterCarriageReturn = false;
      const crlf = chunk[start] === NEWLINE;
      lines.push(this.#finishLine(crlf ? "\n" : "\r"));
      if (crlf) {
        start += 1;
      }
    }

    // Positions of the next "\n" and "\r" at or after `start`, -1 when there is none. Each is
    // searched again only once `start` has passed it, so a chunk is scanned in linear time.
    let nextNewline = chunk.indexOf(NEWLINE, start);
    let nextReturn = chunk.indexOf(CARRIAGE_RETURN, start);
    while (start < chunk.length) {
      if (nextNewline !== -1 && nextNewline < start) nextNewline = chunk.indexOf(NEWLINE, start);
      if (nextReturn !== -1 && nextReturn < start) nextReturn = chunk.indexOf(CARRIAGE_RETURN, start);
      const lineEnd = firstFound(nextNewline, nextReturn);
      if (lineEnd === -1) {
        // The rest of the chunk is a partial line: copy it, because the caller may reuse the chunk.
        this.#append(chunk.slice(start));
        break;
      }
      this.#append(chunk.subarray(start, lineEnd));
      start = lineEnd + 1;
      if (chunk[lineEnd] === NEWLINE) {
        lines.push(this.#finishLine("\n"));
      } else if (start === chunk.length) {
        // A "\n" may start the next chunk and make this break "\r\n", so the line waits for it.
        this.#afterCarriageReturn = true;
      } else if (chunk[start] === NEWLINE) {
        start += 1;
        lines.push(this.#finishLine("\n"));
      } else {
        lines.push(this.#finishLine("\r"));
      }
    }
    return lines;
  }

  /** Returns the last line: one without a line break, or one held after a final "\r". */
  end(): SourceLine[] {
    if (this.#afterCarriageReturn) {
      this.#afterCarriageReturn = false;
      return [this.#finishLine("\r")];
    }
    if (this.#pendingBytes === 0 && !this.#overflow) {
      return [];
    }
    return [this.#finishLine(null)];
  }

  #append(bytes: Uint8Array): void {
    if (this.#overflow || bytes.length === 0) {
      return;
    }
    if (this.#pendingBytes + bytes.length > this.#maxLineBytes) {
      this.#overflow = true;
      this.#pending = [];
      this.#pendingBytes = 0;
      return;
    }
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
  }

  #finishLine(lineBreak: SourceLine["lineBreak"]): SourceLine {
    this.#lineNumber += 1;
    const lineNumber = this.#lineNumber;
    if (this.#overflow) {
      this.#overflow = false;
      return { lineNumber, lineBreak, text: "", problem: this.#tooLong(lineNumber) };
    }

    const bytes = this.#takePending();

    let text: string;
    try {
      text = this.#decoder.decode(bytes);
    } catch {
      return {
        lineNumber,
        lineBreak,
        text: this.#lossyDecoder.decode(bytes),
        problem: {
          code: "invalid_utf8",
          params: {},
          message: `Line ${lineNumber} is not valid UTF-8, so it was skipped; convert the file to UTF-8 (it may be Latin-1 or Windows-1252).`,
        },
      };
    }

    if (text.length > this.#maxLineLength && countCodePoints(text) > this.#maxLineLength) {
      return { lineNumber, lineBreak, text: "", problem: this.#tooLong(lineNumber) };
    }
    return { lineNumber, lineBreak, text, problem: null };
  }

  #takePending(): Uint8Array {
    const pieces = this.#pending;
    const total = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (pieces.length === 1 && pieces[0] !== undefined) {
      return pieces[0];
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const piece of pieces) {
      bytes.set(piece, offset);
      offset += piece.length;
    }
    return bytes;
  }

  #tooLong(lineNumber: number): LineProblem {
    return {
      code: "line_too_long",
      params: { limit: this.#maxLineLength, unit: "line" },
      message: `Line ${lineNumber} is longer than limits.maxLineLength (${this.#maxLineLength} characters), so it was skipped; split it into shorter lines.`,
    };
  }
}
