import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl } from "../env";
import { PrismaClient } from "./generated/client";

/**
 * One PrismaClient per process. Next.js dev reloads modules, so the instance lives on globalThis
 * rather than in module scope (the create-t3-app pattern).
 */

const globalForPrisma = globalThis as unknown as { aviaryPrisma?: PrismaClient; aviaryPrismaUrl?: string };

export type Db = PrismaClient;

export function getDb(): PrismaClient {
  const url = databaseUrl();
  if (globalForPrisma.aviaryPrisma && globalForPrisma.aviaryPrismaUrl === url) return globalForPrisma.aviaryPrisma;
  const adapter = new PrismaPg({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
  const client = new PrismaClient({ adapter });
  globalForPrisma.aviaryPrisma = client;
  globalForPrisma.aviaryPrismaUrl = url;
  return client;
}
