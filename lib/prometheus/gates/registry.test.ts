import { describe, expect, it } from "vitest";
import { GATE_KINDS, gateSchema, type GateKind } from "../../domain/analysis/definition";
import { GATES, type EvidenceOf, type GateOf } from "../../domain/analysis/gates";
import type { GateKindEntry } from "../../domain/analysis/gates/entry";
import type { GateQueries } from "./entry";
import { GATE_QUERIES } from ".";

/*
 * The registries hold every kind, and a kind with a missing piece does not build: the
 * `@ts-expect-error` lines below are checked by `tsc --noEmit` (an error that stops happening is
 * itself an error), so this file fails to compile if the registries stop catching them.
 */
const { successRate: _left, ...withoutSuccessRate } = GATE_QUERIES;
// @ts-expect-error a kind without its queries: successRate is missing
const _incomplete: { readonly [K in GateKind]: GateQueries<K> } = withoutSuccessRate;

// @ts-expect-error queries fetching another kind's evidence: a split gate given the burn-rate gate's
const _crossed: GateQueries<"split"> = { source: "own", fetch: async () => ({ observation: { status: "ok", data: burnEvidence }, query: null }) };
const burnEvidence: EvidenceOf<"burnRate"> = { canaryErrorRatio: { "5m": 0, "30m": 0, "1h": 0, "6h": 0, "3d": 0 }, canaryRequests: 1 };

// @ts-expect-error an entry without its evaluator
const _noEvaluator: GateKindEntry<"split", GateOf<"split">, EvidenceOf<"split">> = { schema: GATES.split.schema, unit: "%", cost: () => ({ custom: 0 }) };

describe("the gate-kind registries", () => {
  it("list the same kinds, in the same order, and each schema parses its own kind", () => {
    expect(Object.keys(GATE_QUERIES)).toEqual(GATE_KINDS);
    expect(Object.keys(GATES)).toEqual(GATE_KINDS);
    expect(GATE_KINDS).toContain("successRate");
    // An unknown kind is refused by the union, naming the field.
    const unknown = gateSchema.safeParse({ kind: "apdex", min: 1 });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.path).toEqual(["kind"]);
  });
});
