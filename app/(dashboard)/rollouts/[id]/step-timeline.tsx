import type { RolloutStatus, Step } from "@/lib/domain/rollout";

function formatPause(seconds: number | undefined): string | null {
  if (!seconds) return null;
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1).replace(/\.0$/, "")} h`;
}

/** Where the rollout stands among its steps: done, current, ahead. */
export function StepTimeline({ steps, currentStep, status }: { steps: Step[]; currentStep: number | null; status: RolloutStatus }) {
  return (
    <ol className="timeline" aria-label="Steps">
      {steps.map((step, index) => {
        const state =
          status === "promoted" || (currentStep !== null && index < currentStep)
            ? "done"
            : currentStep === index && status !== "rolled_back"
              ? "current"
              : "ahead";
        const pause = formatPause(step.pauseSeconds);
        return (
          <li key={index} className={`timeline-step timeline-${state}`} aria-current={state === "current" ? "step" : undefined}>
            <span className="timeline-weight">{step.weight}%</span>
            <span className="timeline-meta">
              Step {index + 1}
              {pause ? ` · pause ${pause}` : ""}
              {state === "current" ? " · current" : ""}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
