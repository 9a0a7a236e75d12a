/**
 * A second Aviary replica's analysis loop, as its own process, for the leader hand-over test:
 * DATABASE_URL, AVIARY_CLUSTERS and AVIARY_PROMETHEUS_URL come from the environment. It prints
 * "leader" once it holds the leader lock, and runs until it is killed.
 */
import { createLeaderLock } from "@/lib/db/leader-lock";
import { databaseUrl } from "@/lib/env";
import { analysisTask } from "@/lib/background/analysis-task";
import { startTasks } from "@/lib/background/runner";
import { createLogger } from "@/lib/log";
import { getDeps } from "@/lib/composition/deps";

const deps = getDeps();
startTasks([analysisTask({ deps, leader: createLeaderLock(databaseUrl()) })], {
  metrics: deps.metrics,
  log: createLogger({
    write: (_level, line) => {
      if ((JSON.parse(line) as { msg: string }).msg === "analysis leadership taken") console.log("leader");
    },
  }),
});
setInterval(() => {}, 60_000);
