import type { RolloutStatus, Step } from "@/lib/domain/rollout";
import { holdReason, pauseOf } from "@/lib/domain/steps/plan";
import { useNow } from "./use-now";

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) {
    const rest = seconds % 60;
    return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ""}`;
  }
  return `${(seconds / 3600).toFixed(1).replace(/\.0$/, "")} h`;
}

/** Where the rollout stands among its steps, with the current step's soak time counting down. */
export function StepTimeline({
  steps,
  currentStep,
  status,
  stepStartedAt,
}: {
  steps: Step[];
  currentStep: number | null;
  status: RolloutStatus;
  stepStartedAt: string | null;
}) {
  const now = useNow();
  return (
    <ol className="timeline" aria-label="Steps">
      {steps.map((step, index) => {
        const state =
          status === "promoted" || (currentStep !== null && index < currentStep)
            ? "done"
            : currentStep === index && status !== "rolled_back"
              ? "current"
              : "ahead";
        return (
          <li key={index} className={`timeline-step timeline-${state}`} aria-current={state === "current" ? "step" : undefined}>
            <span className="timeline-weight">{step.weight}%</span>
            <span className="timeline-meta">
              Step {index + 1}
              {pauseOf(step) ? ` · soak ${formatDuration(pauseOf(step) ?? 0)}` : ""}
              {holdReason(step) ? ` · waits for a person (${holdReason(step)})` : ""}
            </span>
            {state === "current" ? <Soak step={step} status={status} stepStartedAt={stepStartedAt} now={now} /> : null}
          </li>
        );
      })}
    </ol>
  );
}

function Soak({ step, status, stepStartedAt, now }: { step: Step; status: RolloutStatus; stepStartedAt: string | null; now: number | null }) {
  if (status === "paused") return <span className="timeline-soak">paused</span>;
  const pauseSeconds = pauseOf(step);
  if (!pauseSeconds || !stepStartedAt || now === null) return <span className="timeline-soak">current</span>;
  const remaining = Math.ceil((new Date(stepStartedAt).getTime() + pauseSeconds * 1000 - now) / 1000);
  if (remaining <= 0) return <span className="timeline-soak timeline-soak-done">soak done · ready to promote</span>;
  return (
    <span className="timeline-soak" role="timer" aria-label={`soak time left: ${formatDuration(remaining)}`}>
      soak: {formatDuration(remaining)} left
    </span>
  );
}
