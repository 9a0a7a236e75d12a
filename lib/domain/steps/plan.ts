import type { Advance, RouteTarget } from "./entry";
import { UNTOUCHED_ROUTE } from "./entry";
import { entryOf, type Step } from "./registry";

/**
 * What a plan of steps means, from its kinds' entries: the route at each step, the route a
 * rollback leaves, the words for a step, and whether analysis may move past it. The state machine
 * (rollout-actions.ts), analysis (decide.ts), the pages and the audit log read steps only here.
 */

/** The route while at step `index`: each step's change applied to the one before, from the untouched route. */
export function routeAt(steps: readonly Step[], index: number): RouteTarget {
  return steps.slice(0, index + 1).reduce((before, step) => entryOf(step).route(step, before), UNTOUCHED_ROUTE);
}

/** The route a rollback from step `index` leaves: every step's part undone, latest first. */
export function rollbackRoute(steps: readonly Step[], index: number | null): RouteTarget {
  const at = index === null ? UNTOUCHED_ROUTE : routeAt(steps, index);
  return steps
    .slice(0, (index ?? -1) + 1)
    .reverse()
    .reduce((route, step) => entryOf(step).undo(route), at);
}

/** "25%, soak 5 min", "50%, waits for a person (release captain sign-off)". */
export function describeStep(step: Step): string {
  return entryOf(step).describe(step);
}

export function advanceOf(step: Step): Advance {
  return entryOf(step).advance(step);
}

/** The pause after which analysis may promote past the step (a weight step's pauseSeconds); undefined when it has none. */
export function pauseOf(step: Step | undefined): number | undefined {
  const advance = step ? advanceOf(step) : null;
  return advance && "afterSeconds" in advance ? advance.afterSeconds : undefined;
}

/** What a step holds for ("release captain sign-off") when only a person may promote past it; null otherwise. */
export function holdReason(step: Step | undefined): string | null {
  const advance = step ? advanceOf(step) : null;
  return advance && "hold" in advance ? advance.hold : null;
}

/** The weights set by the plan's steps must rise: `[index, message]` for each that does not. */
export function weightProblems(steps: readonly Step[]): [number, string][] {
  const problems: [number, string][] = [];
  let previous: number | null = null;
  steps.forEach((step, index) => {
    const weight = entryOf(step).weight(step);
    if (weight === null) return;
    if (previous !== null && weight <= previous) problems.push([index, `weights must be strictly increasing: ${weight}% comes after ${previous}%`]);
    previous = weight;
  });
  return problems;
}
