export { detectFormat, CORPUS_EXTENSIONS } from "./detect-format.ts";
export {
  BINARY_SIGNATURES,
  CORPUS_ERROR_CODES,
  CORPUS_FILE_ERROR_CODES,
  type BinarySignature,
  type CorpusErrorCode,
  type CorpusErrorParams,
  type CorpusFileErrorCode,
  type CorpusFileErrorParams,
  type CorpusFileProblem,
  type CorpusRowProblem,
  type JsonType,
  type LocatedRowProblem,
} from "./error-params.ts";
export { CorpusFileError, CorpusOptionsError } from "./errors.ts";
export {
  type CorpusEndEvent,
  type CorpusErrorEvent,
  type CorpusEvent,
  type CorpusRowEvent,
  type CorpusSkippedEvent,
  type CorpusSummary,
} from "./events.ts";
export type { CsvLayoutInfo } from "./observer.ts";
export {
  CorpusFormat,
  CorpusLimits,
  CorpusOptions,
  DEFAULT_CORPUS_LIMITS,
  resolveCorpusOptions,
  type ResolvedCorpusOptions,
} from "./options.ts";
export { parseCorpus } from "./parse.ts";
export { previewCorpus, type CorpusPreview, type PreviewLimits } from "./preview.ts";
export type { CorpusInput } from "./read-lines.ts";
export { CorpusRow } from "./row-schema.ts";
export { describeInvalidCharacter, findInvalidCharacter, type InvalidCharacter } from "./text-characters.ts";
