/** How many gates a rollout gets from its SLO (deriveGates); pages reserve room for them before they load. Its own module: the browser needs it without zod. */
export const DERIVED_GATE_COUNT = 3;
