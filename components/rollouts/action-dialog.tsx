"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { api, ApiError } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { planAction, REASON_REQUIRED, type RolloutAction } from "@/lib/domain/rollout-actions";
import type { RolloutJson } from "@/lib/contracts/rollout";
import { ACTION_COPY } from "./action-copy";
import "./action-dialog.css";

/**
 * The confirmation every action goes through: the weights before and after in words, a reason
 * (required for rollback and full promotion), and the revision the SRE looked at, so an action
 * decided on stale information is refused instead of applied.
 */
export function ActionDialog({
  rollout,
  action,
  liveCanaryWeight,
  freezeOverride = null,
  onClose,
}: {
  /** The full rollout or the overview's row of it: what the confirmation and the action need. */
  rollout: Pick<RolloutJson, "id" | "name" | "revision" | "status" | "currentStep" | "canaryWeight" | "steps">;
  action: RolloutAction | null;
  liveCanaryWeight?: number;
  /** The freeze windows this promotion would override (admins only), in words; null when none holds it. */
  freezeOverride?: string | null;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const reasonId = useId();
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [revision, setRevision] = useState(rollout.revision);
  const [openedFor, setOpenedFor] = useState<RolloutAction | null>(null);
  if (action !== openedFor) {
    // A new dialog: pin the revision the SRE is looking at now and start with an empty reason.
    setOpenedFor(action);
    setRevision(rollout.revision);
    setReason("");
    setReasonError(null);
  }
  const mutation = useMutation({
    mutationFn: (body: { action: RolloutAction; reason?: string; expectedRevision: number; overrideFreeze?: boolean }) => api.act(rollout.id, body),
    onSuccess: async (updated) => {
      queryClient.setQueryData(queryKeys.rollouts.detail(rollout.id), updated);
      close();
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.rollouts.all }),
        // New action markers and set-weight steps on the charts without waiting for the next poll.
        queryClient.invalidateQueries({ queryKey: queryKeys.metrics.all }),
      ]);
    },
  });
  if (!action) return null;

  const copy = ACTION_COPY[action];
  const required = REASON_REQUIRED.includes(action) || freezeOverride !== null;
  const from = liveCanaryWeight !== undefined && action === "rollback" ? liveCanaryWeight : rollout.canaryWeight;
  let to: number | null = null;
  try {
    to = planAction(rollout, action, { liveCanaryWeight }).to.canaryWeight;
  } catch {
    to = null;
  }

  function close() {
    mutation.reset();
    onClose();
  }

  function confirm() {
    const trimmed = reason.trim();
    if (required && !trimmed) {
      setReasonError(`A reason is required for ${freezeOverride ? "overriding a freeze window" : copy.noun}: the audit log keeps it.`);
      document.getElementById(reasonId)?.focus();
      return;
    }
    mutation.mutate({ action: action!, reason: trimmed || undefined, expectedRevision: revision, ...(freezeOverride ? { overrideFreeze: true } : {}) });
  }

  const error = mutation.error;
  const errorText = error
    ? error instanceof ApiError && error.code === "CONFLICT"
      ? `${error.message}. Close this dialog to see the current state.`
      : error.message
    : null;

  return (
    <ConfirmDialog
      open
      title={`${copy.title} ${rollout.name}?`}
      confirmLabel={copy.confirm}
      destructive={action === "rollback"}
      busy={mutation.isPending}
      error={errorText}
      onConfirm={confirm}
      onCancel={close}
    >
      {to === null ? null : to === from ? (
        <p className="weights-change">
          Weights stay at <strong>canary {from}%</strong>, stable {100 - from}%.
        </p>
      ) : (
        <p className="weights-change" data-testid="weights-change">
          <span>
            canary <strong>{from}%</strong> → <strong>{to}%</strong>
          </span>
          <span>
            stable <strong>{100 - from}%</strong> → <strong>{100 - to}%</strong>
          </span>
        </p>
      )}
      <p>{copy.explain}</p>
      {freezeOverride ? (
        <p className="banner banner-warn" role="note">
          <strong>Freeze override:</strong> {freezeOverride}. As an admin you may promote anyway; the audit log records the override and your reason.
        </p>
      ) : null}
      <div className={reasonError ? "field field-invalid" : "field"}>
        <label htmlFor={reasonId}>Reason{required ? "" : " (optional)"}</label>
        <textarea
          id={reasonId}
          rows={3}
          maxLength={1000}
          value={reason}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={reasonError ? `${reasonId}-error` : undefined}
          placeholder={copy.placeholder}
          onChange={(event) => {
            setReason(event.target.value);
            if (reasonError) setReasonError(null);
          }}
        />
        {reasonError ? (
          <span id={`${reasonId}-error`} className="field-error">
            {reasonError}
          </span>
        ) : null}
      </div>
    </ConfirmDialog>
  );
}
