import { beforeAll, describe, expect, it } from "vitest";
import * as events from "@/app/api/rollouts/[id]/events/route";
import * as item from "@/app/api/rollouts/[id]/route";
import * as approvals from "@/app/api/rollouts/[id]/approvals/route";
import { approvalsApi } from "../approvals/client";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "./client";

/**
 * What the rollout page polls every second answers 304 with no body while nothing changed, so an
 * idle page costs a few bytes and renders nothing new; any change gives a new ETag.
 */
const kube = startKubeForFile();

beforeAll(async () => {
  await useFreshDatabase();
});

const get = (path: string, etag?: string) => new Request(`http://aviary.test${path}`, { headers: etag ? { "if-none-match": etag } : {} });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

describe("polled reads", () => {
  it.each([
    ["the rollout", (id: string, etag?: string) => item.GET(get(`/api/rollouts/${id}`, etag), params(id))],
    ["its events", (id: string, etag?: string) => events.GET(get(`/api/rollouts/${id}/events`, etag), params(id))],
  ])("%s: 304 while unchanged, a new ETag after an action", async (_what, read) => {
    const created = await api.create(rolloutInput({ virtualService: kube.addVirtualService() }));
    const id = created.body.id as string;
    expect((await api.act(id, { action: "start" })).status).toBe(200);

    const first = await read(id);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get("cache-control")).toContain("no-cache");

    const again = await read(id, etag);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    expect((await api.act(id, { action: "pause", reason: "look" })).status).toBe(200);
    const changed = await read(id, etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("its approvals: 304 while unchanged although the read time moves, a new ETag after a tick", async () => {
    const created = await api.create({
      ...rolloutInput({ virtualService: kube.addVirtualService() }),
      approvals: { checklist: [{ id: "notes", text: "Release notes published" }] },
    });
    const id = created.body.id as string;
    expect((await api.act(id, { action: "start" })).status).toBe(200);
    const read = (etag?: string) => approvals.GET(get(`/api/rollouts/${id}/approvals`, etag), params(id));

    const first = await read();
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await read(etag);
    expect(again.status).toBe(304);
    expect(again.headers.get("aviary-read-at")).not.toBe(first.headers.get("aviary-read-at"));

    expect((await approvalsApi.tick(id, "notes")).status).toBe(200);
    const changed = await read(etag);
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { checklist: { tick: unknown }[] }).checklist[0]!.tick).not.toBeNull();
  });
});
