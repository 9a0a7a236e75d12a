import { createHash } from "node:crypto";

/**
 * A stable name for a URL that does not reveal it (the outbox stores this, never the URL). Here,
 * not beside the block's rules in lib/domain: those reach the browser through lib/contracts, where
 * node:crypto would pull a polyfill (and its eval) into the bundle.
 */
export function urlDigest(url: string): string {
  return createHash("sha256").update(url).digest("hex").slice(0, 16);
}
