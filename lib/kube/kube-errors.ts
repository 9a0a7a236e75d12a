import { ApiException } from "@kubernetes/client-node";
import { AppError } from "../app-error";

/**
 * What a failed call to the Kubernetes API means for Aviary. "conflict" (the object changed under
 * us: 409, or a failed JSON-patch `test`) and "transient" (unreachable, 5xx, timeout) may be
 * retried; everything else is final and explained.
 */
export type KubeFailure = { kind: "conflict" | "transient" | "final"; error: AppError };

type Where = { cluster: string; namespace: string; name: string; verb: string };

type StatusBody = { message?: unknown; details?: { causes?: unknown } } | null;

function parseStatus(body: unknown): StatusBody {
  try {
    return (typeof body === "string" ? JSON.parse(body) : body) as StatusBody;
  } catch {
    return null;
  }
}

function statusMessage(body: unknown): string | undefined {
  const message = parseStatus(body)?.message;
  if (typeof message === "string") return message;
  return typeof body === "string" && body.length < 300 ? body : undefined;
}

/**
 * kube-apiserver answers a JSON patch it cannot apply (a failed `test`, a path that is gone) with
 * a bare 422: generic message, no `details.causes` (NewGenericServerResponse). Validation
 * failures, also 422, always list their causes. Aviary's patches only test and set what it just
 * read, so a bare 422 means the object changed under it.
 */
function isRejectedJsonPatch(code: number, body: unknown, verb: string): boolean {
  if (code !== 422 || verb !== "patch") return false;
  const causes = parseStatus(body)?.details?.causes;
  return !Array.isArray(causes) || causes.length === 0;
}

export function classifyKubeError(error: unknown, where: Where): KubeFailure {
  const target = `VirtualService ${where.namespace}/${where.name} in cluster "${where.cluster}"`;
  if (error instanceof AppError) return { kind: "final", error };
  if (error instanceof ApiException) {
    const code = error.code;
    const detail = statusMessage(error.body);
    if (code === 409 || isRejectedJsonPatch(code, error.body, where.verb)) {
      return { kind: "conflict", error: new AppError("CONFLICT", `${target} changed while Aviary was writing it`) };
    }
    if (code === 404) return { kind: "final", error: new AppError("TARGET_INVALID", `${target} does not exist`) };
    if (code === 401) {
      return { kind: "final", error: new AppError("KUBE_ERROR", `cluster "${where.cluster}" rejected Aviary's credentials (401)`) };
    }
    if (code === 403) {
      return {
        kind: "final",
        error: new AppError("KUBE_ERROR", `cluster "${where.cluster}" forbids Aviary to ${where.verb} ${target}: ${detail ?? "403 Forbidden"}`),
      };
    }
    if (code >= 500 || code === 429) {
      return {
        kind: "transient",
        error: new AppError("KUBE_UNAVAILABLE", `cluster "${where.cluster}" answered ${code} to ${where.verb} ${target}${detail ? `: ${detail}` : ""}`),
      };
    }
    return {
      kind: "final",
      error: new AppError("KUBE_ERROR", `cluster "${where.cluster}" refused to ${where.verb} ${target} (${code}): ${detail ?? "no details"}`),
    };
  }
  const text = `${(error as { code?: string })?.code ?? ""} ${(error as { cause?: { code?: string } })?.cause?.code ?? ""} ${(error as Error)?.message ?? String(error)}`;
  const reason = /ECONNREFUSED/.test(text)
    ? "connection refused"
    : /ECONNRESET|socket hang up/.test(text)
      ? "connection reset"
      : /timed out|ETIMEDOUT|abort/i.test(text)
        ? "timed out"
        : "unreachable";
  return {
    kind: "transient",
    error: new AppError("KUBE_UNAVAILABLE", `cluster "${where.cluster}" could not be reached to ${where.verb} ${target} (${reason})`, { cause: error }),
  };
}
