import type { RolloutAction } from "@/lib/domain/rollout-actions";

/** The words each action uses on buttons and in its confirmation. */
export const ACTION_COPY: Record<RolloutAction, { button: string; title: string; confirm: string; noun: string; explain: string; placeholder: string }> = {
  start: {
    button: "Start",
    title: "Start",
    confirm: "Start rollout",
    noun: "a start",
    explain: "The VirtualService route gets the first step's weights now.",
    placeholder: "e.g. release 2.4.0 approved in CHG-1234",
  },
  promote: {
    button: "Promote",
    title: "Promote",
    confirm: "Promote",
    noun: "a promotion",
    explain: "More traffic goes to the canary now.",
    placeholder: "e.g. error rate and P95 match stable for 10 min",
  },
  promote_full: {
    button: "Promote fully",
    title: "Promote fully",
    confirm: "Send all traffic to the canary",
    noun: "a full promotion",
    explain: "All traffic goes to the canary; the rollout is finished.",
    placeholder: "e.g. all steps healthy, change window closes soon",
  },
  pause: {
    button: "Pause",
    title: "Pause",
    confirm: "Pause",
    noun: "a pause",
    explain: "Traffic stays as it is; promotion is blocked until someone resumes.",
    placeholder: "e.g. investigating a latency blip",
  },
  resume: {
    button: "Resume",
    title: "Resume",
    confirm: "Resume",
    noun: "resuming",
    explain: "Traffic stays as it is; promotion becomes possible again.",
    placeholder: "e.g. blip was a dependency, resolved",
  },
  rollback: {
    button: "Roll back",
    title: "Roll back",
    confirm: "Roll back now",
    noun: "a rollback",
    explain: "All traffic returns to stable now. Aviary retries through conflicts and API errors until the cluster has it.",
    placeholder: "e.g. canary 5xx at 5%, paged by checkout-slo",
  },
  adopt: {
    button: "Adopt live weights",
    title: "Adopt the live weights of",
    confirm: "Adopt live weights",
    noun: "adopting the live weights",
    explain: "Aviary records the weights the cluster has now as its own; the VirtualService is not changed.",
    placeholder: "e.g. GitOps sync set 30% on purpose (PR #812)",
  },
};
