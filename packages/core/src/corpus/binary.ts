import type { BinarySignature } from "./error-params.ts";
import { CorpusFileError } from "./errors.ts";

/** Bytes read before deciding whether the input is text. */
export const SNIFF_BYTES = 8192;

/**
 * NUL bytes in the first SNIFF_BYTES that make the input binary. Text files hold none, but a few
 * stray ones are reported per line ("control_character") instead of rejecting the whole file.
 */
const BINARY_NUL_COUNT = 8;

interface Signature {
  bytes: number[];
  kind: BinarySignature;
  description: string;
}

/** Leading bytes of file types that are uploaded by mistake under a text extension. */
const SIGNATURES: Signature[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], kind: "zip", description: "a ZIP archive (a .zip, .xlsx or .docx file)" },
  { bytes: [0x50, 0x4b, 0x05, 0x06], kind: "empty_zip", description: "an empty ZIP archive" },
  { bytes: [0x50, 0x4b, 0x07, 0x08], kind: "zip", description: "a ZIP archive (a .zip, .xlsx or .docx file)" },
  { bytes: [0x1f, 0x8b], kind: "gzip", description: "a gzip archive" },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], kind: "7z", description: "a 7-Zip archive" },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], kind: "legacy_office", description: "a legacy Office document (.xls or .doc)" },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], kind: "pdf", description: "a PDF document" },
  { bytes: [0x89, 0x50, 0x4e, 0x47], kind: "png", description: "a PNG image" },
  { bytes: [0xff, 0xd8, 0xff], kind: "jpeg", description: "a JPEG image" },
  { bytes: [0xff, 0xfe], kind: "utf16le", description: "UTF-16 (little-endian) text" },
  { bytes: [0xfe, 0xff], kind: "utf16be", description: "UTF-16 (big-endian) text" },
];

function startsWith(sample: Uint8Array, prefix: number[]): boolean {
  return sample.length >= prefix.length && prefix.every((byte, index) => sample[index] === byte);
}

function countNulBytes(sample: Uint8Array): number {
  let count = 0;
  let index = sample.indexOf(0);
  while (index !== -1) {
    count += 1;
    index = sample.indexOf(0, index + 1);
  }
  return count;
}

/**
 * Rejects input that is not UTF-8 text, judged from its first bytes: a known archive, document,
 * image or UTF-16 signature, or at least 8 NUL bytes. Throws CorpusFileError "binary_file" naming
 * the file and what it looks like.
 */
export function assertTextSample(sample: Uint8Array, fileName: string | undefined): void {
  const name = fileName === undefined ? "The input" : `"${fileName}"`;
  const advice = "Upload a UTF-8 text file: one sentence per line (.txt), JSON Lines (.jsonl) or CSV (.csv).";

  const signature = SIGNATURES.find((candidate) => startsWith(sample, candidate.bytes));
  if (signature !== undefined) {
    const params = { fileName: fileName ?? null, reason: "signature", signature: signature.kind } as const;
    throw new CorpusFileError("binary_file", params, `${name} is not a UTF-8 text file: it starts like ${signature.description}. ${advice}`);
  }

  const nulCount = countNulBytes(sample);
  if (nulCount >= BINARY_NUL_COUNT) {
    throw new CorpusFileError(
      "binary_file",
      { fileName: fileName ?? null, reason: "nul_bytes", nulBytes: nulCount, sampleBytes: sample.length },
      `${name} is not a text file: its first ${sample.length} bytes contain ${nulCount} NUL bytes. ${advice}`,
    );
  }
}
