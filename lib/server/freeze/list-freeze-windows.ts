import type { FreezeWindowListJson } from "../../contracts/freeze";
import { listFreezeWindows as listStored } from "../../db/freeze-windows";
import type { Deps } from "../deps";
import { freezeWindowJson } from "./freeze-window-json";

/** Every freeze window with its current and next occurrence; active ones first, then by next start. */
export async function listFreezeWindows(deps: Deps): Promise<FreezeWindowListJson> {
  const now = deps.now();
  const windows = (await listStored(deps.db)).map((window) => freezeWindowJson(window, now));
  const key = (w: (typeof windows)[number]) => (w.active ? 0 : w.next ? Date.parse(w.next.start) - now.getTime() + 1 : Number.MAX_SAFE_INTEGER);
  return { windows: windows.sort((a, b) => key(a) - key(b)), readAt: now.toISOString() };
}
