import { commandRoute } from "@/lib/http/command-route";
import { json } from "@/lib/http/respond";
import { rolloutJson } from "@/lib/contracts/rollout";
import { actOnRolloutCommand } from "@/lib/server/act-on-rollout";

/** start / promote / promote_full / pause / resume / rollback / adopt. See actOnRollout. */
export const POST = commandRoute(actOnRolloutCommand, (rollout) => json(rolloutJson(rollout)));
