/**
 * A second Aviary replica's analysis loop, as its own process, for the leader hand-over test:
 * DATABASE_URL, AVIARY_CLUSTERS and AVIARY_PROMETHEUS_URL come from the environment. It prints
 * "leader" once it holds the leader lock, and runs until it is killed.
 */
import { createLeaderLock } from "@/lib/db/leader-lock";
import { databaseUrl } from "@/lib/env";
import { startAnalysisLoop } from "@/lib/background/analysis-task";
import { getDeps } from "@/lib/server/deps";

startAnalysisLoop({
  deps: getDeps(),
  leader: createLeaderLock(databaseUrl()),
  log: (entry) => {
    if (entry.msg === "analysis leadership taken") console.log("leader");
  },
});
setInterval(() => {}, 60_000);
