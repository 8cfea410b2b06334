// GPT-2's byte-to-unicode table: printable Latin-1 bytes map to themselves, the other 68 bytes
// to U+0100 onwards. Byte-level BPE tokens are strings over these 256 characters.
const BYTE_LEVEL_CHARS: ReadonlySet<number> = (() => {
  const codes = new Set<number>();
  for (let b = 0x21; b <= 0x7e; b += 1) codes.add(b);
  for (let b = 0xa1; b <= 0xac; b += 1) codes.add(b);
  for (let b = 0xae; b <= 0xff; b += 1) codes.add(b);
  for (let n = 0; n < 68; n += 1) codes.add(0x100 + n);
  return codes;
})();

/** Returns the number of UTF-8 bytes a byte-level BPE token stands for, or null if it is not one. */
export function byteLevelTokenLength(token: string): number | null {
  for (let i = 0; i < token.length; i += 1) {
    if (!BYTE_LEVEL_CHARS.has(token.charCodeAt(i))) {
      return null;
    }
  }
  return token.length;
}

/** Converts UTF-8 byte offsets of a string to UTF-16 offsets. */
export class Utf8OffsetMap {
  readonly byteLength: number;
  /** UTF-16 offset of the code point that contains each byte, plus one entry for the end. */
  private readonly charAtByte: number[];
  private readonly isBoundary: boolean[];
  private readonly length: number;

  constructor(text: string) {
    this.charAtByte = [];
    this.isBoundary = [];
    this.length = text.length;
    let charIndex = 0;
    for (const codePoint of text) {
      const code = codePoint.codePointAt(0) ?? 0;
      const bytes = utf8Length(code);
      for (let b = 0; b < bytes; b += 1) {
        this.charAtByte.push(charIndex);
        this.isBoundary.push(b === 0);
      }
      charIndex += codePoint.length;
    }
    this.byteLength = this.charAtByte.length;
    this.charAtByte.push(text.length);
    this.isBoundary.push(true);
  }

  /** UTF-16 offset where the code point containing `byte` starts. */
  charStart(byte: number): number {
    return this.charAtByte[byte] ?? this.length;
  }

  /** UTF-16 offset after the code point that contains byte `byte - 1` (an exclusive end). */
  charEnd(byte: number): number {
    if (this.isBoundary[byte] ?? true) {
      return this.charAtByte[byte] ?? this.length;
    }
    // `byte` falls inside a code point: extend the span to that code point's end.
    let next = byte;
    while (next < this.byteLength && !this.isBoundary[next]) {
      next += 1;
    }
    return this.charAtByte[next] ?? this.length;
  }
}

/** Returns the number of UTF-8 bytes that encode a code point. */
function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}
