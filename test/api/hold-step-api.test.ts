import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "./client";
import { getDeps } from "@/lib/composition/deps";

/**
 * A hold step (lib/domain/steps/hold.ts) through the real route handlers, database and sandbox
 * Kubernetes API: the definition API keeps it or names what is wrong with it, and a person's
 * promote moves onto it at its weight and past it.
 */
const kube = startKubeForFile();

beforeAll(async () => {
  await useFreshDatabase();
});

afterEach(async () => {
  await kube.restore();
});

const hold = { kind: "hold", weight: 50, reason: "release captain sign-off" };
const steps = [{ weight: 5, pauseSeconds: 60 }, { weight: 25 }, hold, { weight: 100 }];

describe("hold steps", () => {
  it("are stored as given beside weight steps, and read back the same", async () => {
    const created = await api.create(rolloutInput({ steps }));
    expect(created.status).toBe(201);
    expect(created.body.steps).toEqual(steps);
    expect((await api.get(created.body.id as string)).body.steps).toEqual(steps);
  });

  it.each([
    ["no reason", { kind: "hold", weight: 50 }, "steps.2.reason", "reason is required"],
    ["a pause", { ...hold, pauseSeconds: 60 }, "steps.2.pauseSeconds", 'unknown field "pauseSeconds"'],
    ["a kind nobody knows", { ...hold, kind: "approval" }, "steps.2.kind", "kind must be one of weight, hold"],
    ["a reason on a weight step", { weight: 50, reason: "sign-off" }, "steps.2.reason", 'unknown field "reason"'],
  ])("are refused with %s, naming the field, and nothing is written", async (_, step, field, message) => {
    const before = await getDeps().db.rollout.count();
    const { status, body } = await api.create(rolloutInput({ steps: steps.with(2, step) }));
    expect(status).toBe(400);
    expect(body.error.fields[field]).toContain(message);
    expect(await getDeps().db.rollout.count()).toBe(before);
  });

  it("are refused in an edit too, leaving the stored plan as it was", async () => {
    const created = await api.create(rolloutInput({ steps }));
    const id = created.body.id as string;
    const edited = await api.patch(id, { steps: steps.with(2, { ...hold, reason: "" }), expectedRevision: 1 });
    expect(edited.status).toBe(400);
    expect(edited.body.error.fields["steps.2.reason"]).toBe("reason is required");
    expect((await api.get(id)).body).toMatchObject({ steps, revision: 1 });
  });

  it("are reached at their weight and left by a person's promote", async () => {
    const vs = kube.addVirtualService({ weights: [100, 0] });
    const { body } = await api.create(rolloutInput({ virtualService: vs, steps }));
    const id = body.id as string;
    const walk: [action: string, expected: Record<string, unknown>, weights: [number, number]][] = [
      ["start", { status: "progressing", currentStep: 0, canaryWeight: 5 }, [95, 5]],
      ["promote", { status: "progressing", currentStep: 1, canaryWeight: 25 }, [75, 25]],
      ["promote", { status: "progressing", currentStep: 2, canaryWeight: 50 }, [50, 50]],
      ["promote", { status: "promoted", currentStep: 3, canaryWeight: 100 }, [0, 100]],
    ];
    for (const [action, expected, weights] of walk) {
      const answer = await api.act(id, { action });
      expect(answer.status, `${action}: ${JSON.stringify(answer.body)}`).toBe(200);
      expect(answer.body).toMatchObject(expected);
      expect(kube.weights(vs)).toEqual(weights);
    }
  });
});
