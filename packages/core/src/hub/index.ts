export { MODEL_ALIASES, resolveModelAlias } from "./aliases.ts";
export { parseEtagChecksum, type ExpectedChecksum } from "./checksum.ts";
export { downloadFile, type DownloadFileOptions, type DownloadOutcome, type DownloadProgress } from "./download-file.ts";
export {
  HubAuthError,
  HubIntegrityError,
  HubNotFoundError,
  HubOptionsError,
  HubRequestError,
  OnnxExportNotFoundError,
} from "./errors.ts";
export {
  fetchModel,
  onnxCandidatePaths,
  OPTIONAL_MODEL_FILES,
  REQUIRED_MODEL_FILES,
  type FetchModelHooks,
  type FetchModelResult,
} from "./fetch-model.ts";
export { HubHttp, type HubHttpOptions, type HubRequest } from "./hub-http.ts";
export { modelDirFor } from "./model-dir.ts";
export {
  DEFAULT_HUB_ENDPOINT,
  FetchModelOptions,
  resolveFetchModelOptions,
  type ResolvedFetchModelOptions,
} from "./options.ts";
export { headRemoteFile, resolveUrl, type RemoteFile } from "./remote-file.ts";
