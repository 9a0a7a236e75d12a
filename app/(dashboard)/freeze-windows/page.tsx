import type { Metadata } from "next";
import { DatabaseDown } from "@/components/ui/database-down";
import { freezeWindowListJson } from "@/lib/contracts/freeze";
import { getDeps } from "@/lib/composition/deps";
import { listFreezeWindows } from "@/lib/server/freeze/list-freeze-windows";
import { pageRead } from "../page-reads";
import { FreezeWindowsView } from "./freeze-windows-view";

export const metadata: Metadata = { title: "Freeze windows" };

export default async function FreezeWindowsPage() {
  const read = await pageRead(() => listFreezeWindows(getDeps()));
  if (read.down) return <DatabaseDown />;
  return <FreezeWindowsView initial={freezeWindowListJson(read.value)} />;
}
