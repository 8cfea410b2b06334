/** Access control of the web app: call requireRole() first in every route handler. */
export { authServices, type AuthServices } from "./auth-services.ts";
export { withAuthErrors } from "./auth-errors.ts";
export { clientIp } from "./client-ip.ts";
export { assertCanChangeJob, ownerIdOf } from "./job-access.ts";
export { readOwnUploadMeta } from "./upload-access.ts";
export { authenticate, requireRole } from "./require-role.ts";
export { assertSameOrigin } from "./same-origin.ts";
export { clearedSessionCookie, readSessionCookie, SESSION_COOKIE, sessionCookie } from "./session-cookie.ts";
export { consumeRate, consumeRates, enforceConcurrentJobs, enforceFillOptions, enforceQueueDepth, enforceSentenceLimits, enforceSubmissionRate, limitToApiError } from "./submission-limits.ts";
