/** Parses a whole-number option, naming the option and the rule in the error. Returns undefined when absent. */
export function integerOption(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || parsed < min) {
    throw new Error(`--${name} must be a whole number of at least ${min}; got "${value}".`);
  }
  return parsed;
}

/** Checks that an option is one of `allowed`, naming the option and the choices in the error. Returns undefined when absent. */
export function choiceOption<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`--${name} must be ${allowed.join(" or ")}; got "${value}".`);
  }
  return value as T;
}
