import pg from "pg";
import { expect, test } from "../auth/signed-in";
import { createRolloutOnNewVirtualService } from "../fixtures/api";
import { readStack, setLiveWeights } from "../fixtures/stack";

/**
 * A promote that patched the cluster and died before recording it (simulated: the patch through
 * the sandbox, the intent row straight into rollout_operations). The page shows it as an
 * unconfirmed operation, not as someone else's drift, and does not repair it on read; the
 * background sweep confirms it once the rollout's lock is free (here the spec holds the lock, as
 * a live writer would, until it has looked).
 */
test.setTimeout(90_000);

const LOCK_SPACE = 0x41565259;

test("an interrupted promote is shown as unconfirmed, then confirmed by the sweep", async ({ page, request }) => {
  const { rollout, ref } = await createRolloutOnNewVirtualService(request, [5, 25, 100]);
  expect((await request.post(`/api/rollouts/${rollout.id}/actions`, { data: { action: "start" } })).status()).toBe(200);

  const { databaseUrl } = await readStack();
  const db = new pg.Client({ connectionString: databaseUrl! });
  await db.connect();
  try {
    await db.query("SELECT pg_advisory_lock($1, hashtext($2))", [LOCK_SPACE, rollout.id]);
    await setLiveWeights({ ...ref, weights: [75, 25] });
    await db.query(
      `INSERT INTO rollout_operations (rollout_id, action, status, from_state, to_state, actor_id, actor_email, actor_role, request_id, started_at)
       VALUES ($1, 'promote', 'pending', $2, $3, 'demo-dana', 'dana@example.com', 'admin', 'e2e-interrupted', now() - interval '20 seconds')`,
      [rollout.id, { status: "progressing", currentStep: 0, canaryWeight: 5 }, { status: "progressing", currentStep: 1, canaryWeight: 25 }],
    );

    await page.goto(`/rollouts/${rollout.id}`);
    const banner = page.getByRole("status", { name: "Unconfirmed change" });
    await expect(banner).toContainText(/An earlier promote to 25%, started .+, was interrupted before Aviary recorded its result\./);
    await expect(banner).toContainText("The cluster now sends 25% to the canary; Aviary's record still says 5%.");
    await expect(banner).toContainText("Aviary will confirm it against the cluster shortly, or on the next action on this rollout.");
    // Aviary's own unrecorded write is not someone else's edit: no drift alarm, promote stays possible.
    await expect(page.getByText("Someone changed the weights outside Aviary")).toHaveCount(0);
    await page.screenshot({ path: "test-results/interrupted-operation.png", fullPage: true });

    // Reads did not repair it.
    const { rows } = await db.query("SELECT status FROM rollout_operations WHERE request_id = 'e2e-interrupted'");
    expect(rows).toEqual([{ status: "pending" }]);
  } finally {
    await db.query("SELECT pg_advisory_unlock_all()").catch(() => {});
    await db.end();
  }

  // The lock is free: the next sweep (every 30 s) confirms the promote, and the page follows.
  await expect(page.getByRole("status", { name: "Unconfirmed change" })).toHaveCount(0, { timeout: 45_000 });
  const after = (await (await request.get(`/api/rollouts/${rollout.id}`)).json()) as { canaryWeight: number; currentStep: number; pendingOperation: unknown };
  expect(after).toMatchObject({ canaryWeight: 25, currentStep: 1, pendingOperation: null });
});
