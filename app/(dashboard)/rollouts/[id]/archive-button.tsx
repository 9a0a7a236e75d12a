"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { canArchive } from "@/lib/domain/rollout-lifecycle";
import type { RolloutJson } from "@/lib/contracts/rollout";

export function ArchiveButton({ rollout }: { rollout: RolloutJson }) {
  const [open, setOpen] = useState(false);
  const router = useRouter();
  const queryClient = useQueryClient();
  const archive = useMutation({
    mutationFn: () => api.archiveRollout(rollout.id),
    onSuccess: async () => {
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: queryKeys.rollouts.all });
      router.push("/");
    },
  });
  if (rollout.status === "archived") return null;
  const allowed = canArchive(rollout.status);
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => setOpen(true)}
        disabled={!allowed}
        title={allowed ? undefined : "A live rollout steers traffic: roll it back or promote it fully first."}
      >
        Archive
      </button>
      <ConfirmDialog
        open={open}
        title={`Archive ${rollout.name}?`}
        confirmLabel="Archive rollout"
        busy={archive.isPending}
        error={archive.error?.message}
        onConfirm={() => archive.mutate()}
        onCancel={() => {
          archive.reset();
          setOpen(false);
        }}
      >
        <p>It leaves the overview. Its definition and audit history stay and remain visible with “Show archived”. The VirtualService is not changed.</p>
      </ConfirmDialog>
    </>
  );
}
