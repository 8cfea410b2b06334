/** Short names accepted by `maskfill model fetch` and the repositories they stand for. */
export const MODEL_ALIASES: Readonly<Record<string, string>> = {
  "roberta-base": "FacebookAI/roberta-base",
  "roberta-large": "FacebookAI/roberta-large",
};

/** Resolves an alias to its repository id; any other name is returned unchanged. */
export function resolveModelAlias(name: string): string {
  return MODEL_ALIASES[name] ?? name;
}
