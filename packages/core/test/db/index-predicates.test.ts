import { describe, expect, it } from "vitest";
import { readIndexPredicates } from "./index-predicates";

describe("readIndexPredicates", () => {
  it("reads raw predicates by model and fields", () => {
    const schema = [
      "model Row {",
      "  id    Int    @id",
      "  label String",
      "  state String",
      '  @@index([label(sort: Desc, ops: raw("text_ops")), state], where: raw("state = \\"open\\" AND label <> \'\'"))',
      '  @@unique([label], map: "row_label_key", where: raw("state IS NULL"))',
      "  @@index([state])",
      "}",
    ].join("\n");
    expect(readIndexPredicates(schema)).toEqual(
      new Map([
        ["Row(label,state)", "state = \"open\" AND label <> ''"],
        ["Row(label)", "state IS NULL"],
      ]),
    );
  });

  it("rejects the object form", () => {
    const schema = "model Row {\n  id Int @id\n  open Boolean\n  @@index([id], where: { open: true })\n}";
    expect(() => readIndexPredicates(schema)).toThrow('Row: the drift check reads only where: raw("...") predicates, not "@@index([id], where: { open: true })"; write the predicate as raw SQL.');
  });
});
