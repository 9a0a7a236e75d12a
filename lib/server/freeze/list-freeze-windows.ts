import { listFreezeWindows as listStored } from "../../db/freeze-windows";
import type { FreezeWindow } from "../../domain/freeze/definition";
import type { Deps } from "../../composition/deps";

export type FreezeWindowList = { windows: FreezeWindow[]; now: Date };

/** Every freeze window and the instant they are judged at (freezeWindowListJson shows them, active ones first). */
export async function listFreezeWindows(deps: Deps): Promise<FreezeWindowList> {
  const now = deps.now();
  return { windows: await listStored(deps.db), now };
}
