import { beforeAll, describe, expect, it } from "vitest";
import * as events from "@/app/api/rollouts/[id]/events/route";
import * as item from "@/app/api/rollouts/[id]/route";
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
});
