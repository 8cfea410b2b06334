export { prepareModel, type PrepareModelOptions, type PrepareModelResult } from "./prepare-model.ts";
export { PreparedRunner, type PreparedRequest, type PreparedRow, type PreparedVisitor } from "./prepared-runner.ts";
export { PreparedIo, preparedFileName, preparedRecordFileName, PREPARED_FORMAT_VERSION, PREPARED_METADATA_KEY } from "./prepared-io.ts";
export { preparedRecordSchema, type PreparedRecord } from "./prepared-record.ts";
export { PrepareError } from "./errors.ts";
export { verifyPreparedModel, type VerifyReport } from "./verify-prepared.ts";
export { findPreparedGraph, loadPreparedGraph, type LoadPreparedOptions, type LoadedPreparedGraph } from "./load-prepared.ts";
export { measureMatMulRate, usefulFlopsPerSentence, type EncoderShape, type MatMulRate, type MatMulRateOptions } from "./ceiling.ts";
