export { createTestDatabase, type TestDatabase } from "./database";
export { deleteRedisKeys } from "./redis-keys";
