import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "@/test/database";
import { freePort } from "@/test/free-port";
import { createDb, type Db } from "@/lib/db/client";
import { findRollout } from "@/lib/db/rollouts";
import { getDeps } from "@/lib/composition/deps";
import { getRollout } from "@/lib/server/get-rollout";
import { pageRead } from "./page-reads";

/** A client for a port nothing listens on: the connection is refused, as when Postgres is stopped. */
async function unreachableDb(): Promise<Db> {
  return createDb(`postgresql://aviary:unused@127.0.0.1:${await freePort()}/aviary`);
}

describe("pageRead", () => {
  const clients: Db[] = [];
  afterAll(async () => Promise.all(clients.map((db) => db.$disconnect())));

  it("answers { down: true } when the database refuses the connection, so the page can say so", async () => {
    const db = await unreachableDb();
    clients.push(db);
    expect(await pageRead(() => findRollout(db, randomUUID()))).toEqual({ down: true });
  });

  it("passes the value through when the database answers", async () => {
    const url = await useFreshDatabase();
    const db = createDb(url);
    clients.push(db);
    expect(await pageRead(() => findRollout(db, randomUUID()))).toEqual({ down: false, value: null });
  });

  it("throws every other error on (an unknown rollout stays a not-found, a bug stays a bug)", async () => {
    await useFreshDatabase();
    await expect(pageRead(() => getRollout(getDeps(), { id: randomUUID() }))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(pageRead(() => Promise.reject(new TypeError("x is undefined")))).rejects.toThrow("x is undefined");
  });
});
