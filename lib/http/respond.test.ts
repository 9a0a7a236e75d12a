import { describe, expect, it } from "vitest";
import { pollableJson } from "./respond";

const get = (etag?: string) => new Request("http://aviary.test/api/x", { headers: etag ? { "if-none-match": etag } : {} });

describe("pollableJson", () => {
  it("answers 304 to the ETag of the same body, 200 with a new ETag once it changes", async () => {
    const first = pollableJson(get(), { weight: 5 });
    const etag = first.headers.get("etag")!;
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ weight: 5 });
    expect(pollableJson(get(etag), { weight: 5 }).status).toBe(304);
    const changed = pollableJson(get(etag), { weight: 25 });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("takes the ETag from `sameAs`, so a read time alone changes nothing, and sends its headers with the 304", async () => {
    const body = (readAt: string, weight = 5) => ({ weight, readAt });
    const first = pollableJson(get(), body("10:00:00"), { sameAs: { weight: 5 }, headers: { "aviary-read-at": "10:00:00" } });
    expect(await first.json()).toEqual(body("10:00:00"));
    const etag = first.headers.get("etag")!;

    const again = pollableJson(get(etag), body("10:00:01"), { sameAs: { weight: 5 }, headers: { "aviary-read-at": "10:00:01" } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("aviary-read-at")).toBe("10:00:01");

    const moved = pollableJson(get(etag), body("10:00:02", 25), { sameAs: { weight: 25 } });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toEqual(body("10:00:02", 25));
  });
});
