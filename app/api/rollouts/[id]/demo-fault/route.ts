import { commandRoute } from "@/lib/http/command-route";
import { json } from "@/lib/http/respond";
import { injectDemoFaultCommand } from "@/lib/server/inject-demo-fault";

/** Demo only: `{"fault": "errors" | "latency" | "heal"}` breaks or heals the rollout's canary in the sandbox mesh (operator role). 404 outside the demo. */
export const POST = commandRoute(injectDemoFaultCommand, (result) => json(result));
