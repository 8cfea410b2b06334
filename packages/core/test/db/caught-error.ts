import { expect } from "vitest";

/** Awaits `action` and returns the error it rejects with. Fails the test when it resolves or rejects with another class. */
export async function caughtError<T extends Error>(action: Promise<unknown>, errorClass: new (...args: never[]) => T): Promise<T> {
  const error = await action.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(errorClass);
  return error as T;
}
