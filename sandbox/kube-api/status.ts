// Builders for metav1.Status bodies. Messages and reasons are copied from
// k8s.io/apimachinery/pkg/api/errors so clients parsing them (client-node,
// kubectl, Aviary"s error mapping) see the same text as against a real cluster.
import type { ResourceType, Status, StatusCause, StatusDetails } from "./types";

export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

export function failure(code: number, reason: string, message: string, details?: StatusDetails): ApiError {
  const status: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    code,
  };
  return new ApiError(status);
}

const qualified = (res: ResourceType) => `${res.plural}.${res.group}`;
const details = (res: ResourceType, name: string): StatusDetails => ({ name, group: res.group, kind: res.plural });

export const notFound = (res: ResourceType, name: string) => failure(404, "NotFound", `${qualified(res)} "${name}" not found`, details(res, name));

/** What a DELETE of a custom resource answers: a Success Status naming it, without a code. */
export const deleted = (res: ResourceType, name: string, uid: string) => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Success",
  details: { name, group: res.group, kind: res.plural, uid },
});

export const pathNotFound = () => failure(404, "NotFound", "the server could not find the requested resource", {});

export const alreadyExists = (res: ResourceType, name: string) =>
  failure(409, "AlreadyExists", `${qualified(res)} "${name}" already exists`, details(res, name));

export const MODIFIED = "the object has been modified; please apply your changes to the latest version and try again";

export const conflict = (res: ResourceType, name: string, why: string = MODIFIED) =>
  failure(409, "Conflict", `Operation cannot be fulfilled on ${qualified(res)} "${name}": ${why}`, details(res, name));

/** 422 in the exact shape of apierrors.NewInvalid (field.ErrorList aggregate). */
export function invalid(res: ResourceType, name: string, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const aggregate = parts.length === 1 ? (parts[0] ?? "") : `[${parts.join(", ")}]`;
  return failure(422, "Invalid", `${res.kind}.${res.group} "${name}" is invalid: ${aggregate}`, {
    name,
    group: res.group,
    kind: res.kind,
    causes,
  });
}

export function forbidden(res: ResourceType, user: string, verb: string, namespace?: string, name?: string): ApiError {
  const subject = name ? `${qualified(res)} "${name}"` : qualified(res);
  const scope = namespace ? `in the namespace "${namespace}"` : "at the cluster scope";
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${res.plural}" in API group "${res.group}" ${scope}`;
  const d: StatusDetails = name ? details(res, name) : { group: res.group, kind: res.plural };
  return failure(403, "Forbidden", message, d);
}

export const unauthorized = () => failure(401, "Unauthorized", "Unauthorized");

export const badRequest = (message: string) => failure(400, "BadRequest", message);

export const unsupportedMediaType = (accepted: readonly string[]) =>
  failure(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`);

export const internalError = (message: string) => failure(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] });

export const methodNotAllowed = () => failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {});

export const tooLarge = (limit: number) => failure(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
