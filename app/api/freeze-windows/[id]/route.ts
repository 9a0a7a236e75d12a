import { commandRoute } from "@/lib/http/command-route";
import { deleteFreezeWindowCommand } from "@/lib/server/freeze/manage-freeze-windows";

/** Removes a freeze window (admins; audited, with an optional {"reason"}). */
export const DELETE = commandRoute(deleteFreezeWindowCommand, () => new Response(null, { status: 204 }));
