import { readFile } from "node:fs/promises";
import internals from "@prisma/internals";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../../test/database";
import { describeDatabase, describeSchema, type Structure } from "./schema-structure";

/**
 * The SQL migrations are hand-written (Prisma's schema engine cannot be downloaded here), so this
 * test is what keeps them honest: the database they produce must have exactly the tables,
 * columns, types, nullability, defaults, enums, indexes and foreign keys that schema.prisma says.
 */

let actual: Structure;
let expected: Structure;

beforeAll(async () => {
  const url = await useFreshDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    actual = await describeDatabase(client);
  } finally {
    await client.end();
  }
  const dmmf = await internals.getDMMF({ datamodel: await readFile("prisma/schema.prisma", "utf8") });
  expected = describeSchema(dmmf.datamodel);
});

describe("migrations match schema.prisma", () => {
  it("has the same enums", () => expect(actual.enums).toEqual(expected.enums));
  it("has the same tables", () => expect(Object.keys(actual.tables).sort()).toEqual(Object.keys(expected.tables).sort()));
  it("has the same columns with the same types, nullability and defaults", () => {
    for (const table of Object.keys(expected.tables)) expect(actual.tables[table]?.columns, table).toEqual(expected.tables[table]?.columns);
  });
  it("has the same primary keys, unique and plain indexes, with Prisma's names", () => {
    for (const table of Object.keys(expected.tables)) expect(actual.tables[table]?.indexes, table).toEqual(expected.tables[table]?.indexes);
  });
  it("has the same foreign keys", () => {
    for (const table of Object.keys(expected.tables)) expect(actual.tables[table]?.foreignKeys, table).toEqual(expected.tables[table]?.foreignKeys);
  });
});

describe("the comparison itself", () => {
  it("notices a column the schema does not have", async () => {
    const url = await useFreshDatabase({ as: "owner" });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`ALTER TABLE rollouts ADD COLUMN sneaky TEXT`);
    await client.query(`DROP INDEX audit_events_at_idx`);
    const drifted = await describeDatabase(client);
    await client.end();
    expect(drifted.tables.rollouts?.columns).not.toEqual(expected.tables.rollouts?.columns);
    expect(drifted.tables.audit_events?.indexes).not.toEqual(expected.tables.audit_events?.indexes);
  });
});
