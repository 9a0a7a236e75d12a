// Shared shapes for the sandbox Kubernetes API test double.
// Objects are kept as plain JSON so that patches and schema checks see exactly
// what a client sent, the way the real apiserver handles unstructured CRs.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

export type ObjectMeta = {
  name: string;
  namespace: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: JsonValue | undefined;
};

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: JsonValue | ObjectMeta | undefined;
};

export type StatusCause = { reason?: string; message: string; field?: string };

export type StatusDetails = {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
};

// Key order mirrors what kube-apiserver serialises, which keeps golden
// comparisons against captured real responses readable.
export type Status = {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
};

export type ResourceType = {
  group: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
  /** Served versions in discovery priority order (storage version first). */
  versions: string[];
  storageVersion: string;
  /** Raw openAPIV3Schema per version, straight from the CRD. */
  schemas: Map<string, JsonObject>;
};

export type PatchType = "json" | "merge" | "apply";

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** KubeObject's optional metadata fields are the only thing keeping it from being plain JSON. */
export function asJson(obj: KubeObject): JsonObject {
  return obj as unknown as JsonObject;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
