import { z } from "zod";
import { parseSampleValue } from "../domain/series";

/**
 * Prometheus' HTTP API envelope (https://prometheus.io/docs/prometheus/latest/querying/api/),
 * checked at the boundary. Sample values stay strings, as sent ("NaN", "+Inf" included);
 * lib/domain/series.ts turns them into chart points. A value that is not a Go float fails here.
 */

const sampleValue = z.string().refine((raw) => parseSampleValue(raw) !== undefined, { error: "is not a number Prometheus would write" });
const sample = z.tuple([z.number(), sampleValue]);
const labels = z.record(z.string(), z.string());

export const vectorSchema = z.array(z.object({ metric: labels, value: sample }));
export const matrixSchema = z.array(z.object({ metric: labels, values: z.array(sample) }));

const instantData = z.discriminatedUnion("resultType", [
  z.object({ resultType: z.literal("vector"), result: vectorSchema }),
  z.object({ resultType: z.literal("scalar"), result: sample }),
  // An instant query of a range selector (`foo[5m]`) answers with a matrix.
  z.object({ resultType: z.literal("matrix"), result: matrixSchema }),
]);
const rangeData = z.object({ resultType: z.literal("matrix"), result: matrixSchema });

const warnings = z.array(z.string()).optional();

export const errorBodySchema = z.object({ status: z.literal("error"), errorType: z.string(), error: z.string() });

export const instantResponseSchema = z.discriminatedUnion("status", [z.object({ status: z.literal("success"), data: instantData, warnings }), errorBodySchema]);
export const rangeResponseSchema = z.discriminatedUnion("status", [z.object({ status: z.literal("success"), data: rangeData, warnings }), errorBodySchema]);

export type Labels = z.infer<typeof labels>;
export type VectorResult = z.infer<typeof vectorSchema>;
export type MatrixResult = z.infer<typeof matrixSchema>;
export type InstantData = z.infer<typeof instantData>;
export type RangeData = z.infer<typeof rangeData>;
