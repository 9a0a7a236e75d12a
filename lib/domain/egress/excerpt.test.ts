import { describe, expect, it } from "vitest";
import { answerExcerpt, isTextual, maskCredentials } from "./excerpt";

const bytes = (text: string) => new TextEncoder().encode(text);

// The credentials answer of EC2's instance metadata service, as AWS's documentation shows it
// ("Retrieve security credentials from instance metadata", with AWS's own example keys).
const IMDS_CREDENTIALS = `{
  "Code" : "Success",
  "LastUpdated" : "2012-04-26T16:39:16Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAIOSFODNN7EXAMPLE",
  "SecretAccessKey" : "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "Token" : "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQC8ExampleToken==",
  "Expiration" : "2017-05-17T15:09:54Z"
}`;

describe("what is kept of an answer", () => {
  it("masks every credential of a cloud credentials answer, keeping the field names", () => {
    const excerpt = answerExcerpt(bytes(IMDS_CREDENTIALS), "text/plain")!;
    for (const secret of ["ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "EXAMPLEKEY", "IQoJb3JpZ2luX2Vj", "ExampleToken"]) expect(excerpt).not.toContain(secret);
    expect(excerpt).toContain('"SecretAccessKey" : [masked]');
    expect(excerpt).toContain('"Code" : "Success"');
  });

  it.each([
    ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2ln", "eyJhbGci"],
    ["db at postgresql://aviary:hunter2@db:5432/aviary", "hunter2"],
    ["key AKIAIOSFODNN7EXAMPLE in use", "AKIAIOSFODNN7EXAMPLE"],
    ["password=hunter2&user=x", "hunter2"],
    ["-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA"],
    ["sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "9f86d081884c7d659a2feaa0c55ad015"],
  ])("masks %s", (text, secret) => {
    expect(maskCredentials(text)).not.toContain(secret);
  });

  it("keeps an ordinary health answer as it is", () => {
    expect(answerExcerpt(bytes('{"status":"ok","checks":{"db":"up"}}'), "application/json")).toBe('{"status":"ok","checks":{"db":"up"}}');
  });

  it("shows nothing of an answer that is not text, or says nothing of its type", () => {
    expect(answerExcerpt(bytes("all good"), "application/octet-stream")).toBeNull();
    expect(answerExcerpt(bytes("all good"), null)).toBe("all good"); // no type given: text if it is UTF-8 without NUL
    expect(answerExcerpt(bytes("all\u0000good"), null)).toBeNull();
    expect(answerExcerpt(new Uint8Array([0xff, 0xfe, 0x41, 0x42, 0x43, 0x44]), null)).toBeNull();
    expect(isTextual("text/html; charset=utf-8")).toBe(true);
    expect(isTextual("application/problem+json")).toBe(true);
  });

  it("is storable: no control characters, no half surrogate pair, at most 200 code points", () => {
    const excerpt = answerExcerpt(bytes(`ok\u0000\u0007 ${"😀".repeat(300)}`), "text/plain; charset=utf-8")!;
    expect(excerpt).not.toMatch(/[\u0000-\u0008]/);
    expect(Array.from(excerpt)).toHaveLength(200);
    expect(excerpt.endsWith("😀")).toBe(true);
  });
});
