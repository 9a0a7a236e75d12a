import type { Metadata } from "next";
import { freezeWindowListJson } from "@/lib/contracts/freeze";
import { getDeps } from "@/lib/server/deps";
import { listFreezeWindows } from "@/lib/server/freeze/list-freeze-windows";
import { FreezeWindowsView } from "./freeze-windows-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Freeze windows" };

export default async function FreezeWindowsPage() {
  return <FreezeWindowsView initial={freezeWindowListJson(await listFreezeWindows(getDeps()))} />;
}
