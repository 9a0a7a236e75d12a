// HTTP verbs on custom-resource routes -> registry operations, with the media
// types, query parameters and status codes kube-apiserver uses.
import { parse as parseYaml } from "yaml";
import type { FieldValidation } from "./admission";
import { managerFromUserAgent } from "./managed-fields";
import { PATCH_MEDIA_TYPES, patchObject } from "./patch";
import type { Registry, WriteResult } from "./registry";
import type { ApiRoute } from "./routes";
import { badRequest, methodNotAllowed, unsupportedMediaType } from "./status";

export type ApiResponse = { code: number; body: unknown; headers?: Record<string, string | string[]> };

export type ResourceRequest = {
  route: Extract<ApiRoute, { type: "resource" }>;
  method: string;
  query: URLSearchParams;
  contentType: string;
  body: Buffer;
  userAgent?: string;
};

const BODY_MEDIA_TYPES = ["application/json", "application/yaml"];

export function handleResource(registry: Registry, req: ResourceRequest): ApiResponse {
  const { route, method, query } = req;
  const { res, version, namespace, name, subresource } = route;
  const opts = {
    dryRun: query.get("dryRun") === "All",
    fieldValidation: fieldValidation(query),
    manager: query.get("fieldManager") || managerFromUserAgent(req.userAgent),
  };
  if (method === "GET" || method === "HEAD") {
    // Watches are streamed by watch-handler.ts before reaching here; what is left is HEAD or /status.
    if (query.get("watch") === "true" || query.get("watch") === "1") throw methodNotAllowed();
    if (name && namespace) return { code: 200, body: registry.get(res, version, namespace, name) };
    if (subresource) throw methodNotAllowed();
    const selectors = {
      labelSelector: query.get("labelSelector"),
      fieldSelector: query.get("fieldSelector"),
      limit: query.get("limit"),
      continue: query.get("continue"),
    };
    return { code: 200, body: registry.list(res, version, namespace, selectors) };
  }
  if (!namespace) throw methodNotAllowed();
  if (method === "POST" && !name) return written(registry.create(res, version, namespace, decodeBody(req), opts));
  if (!name) throw methodNotAllowed();
  const statusOnly = subresource === "status";
  switch (method) {
    case "PUT":
      return written(registry.replace(res, version, namespace, name, decodeBody(req), opts, statusOnly));
    case "PATCH": {
      const type = PATCH_MEDIA_TYPES[req.contentType];
      if (!type) throw unsupportedMediaType(Object.keys(PATCH_MEDIA_TYPES));
      const body = req.body.toString("utf8");
      const patchOpts = { ...opts, fieldManager: query.get("fieldManager") };
      return written(patchObject(registry, { res, version, namespace, name, type, body, statusOnly }, patchOpts));
    }
    case "DELETE": {
      if (statusOnly) throw methodNotAllowed();
      const options = req.body.length > 0 ? parseJson(req.body) : undefined;
      const dryRun = opts.dryRun || isDryRunBody(options);
      return { code: 200, body: registry.delete(res, version, namespace, name, options, dryRun) };
    }
    default:
      throw methodNotAllowed();
  }
}

function written(result: WriteResult): ApiResponse {
  const headers: Record<string, string[]> = {};
  if (result.warnings.length > 0) headers.Warning = result.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  return { code: result.created ? 201 : 200, body: result.object, headers };
}

function decodeBody(req: ResourceRequest): unknown {
  const type = req.contentType || "application/json";
  if (!BODY_MEDIA_TYPES.includes(type)) throw unsupportedMediaType(BODY_MEDIA_TYPES);
  const text = req.body.toString("utf8");
  if (type === "application/yaml") {
    try {
      return parseYaml(text) as unknown;
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  return parseJson(req.body);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

function fieldValidation(query: URLSearchParams): FieldValidation {
  const v = query.get("fieldValidation");
  if (v === null || v === "") return "Warn";
  if (v === "Ignore" || v === "Warn" || v === "Strict") return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}`);
}

function isDryRunBody(options: unknown): boolean {
  const dr = typeof options === "object" && options !== null ? (options as { dryRun?: unknown }).dryRun : undefined;
  return Array.isArray(dr) && dr.includes("All");
}
