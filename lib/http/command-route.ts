import type { RequestContext } from "../domain/actor";
import { commandName, type Command } from "../server/commands/audited";
import { getDeps, type Deps } from "../composition/deps";
import { readJsonBody } from "./read-json";
import { requestContext } from "./request-context";
import { route } from "./respond";

type Segment<Params> = { params: Promise<Params> };

export type Answer<Params, Result> = (result: Result, served: { deps: Deps; context: RequestContext; params: Params }) => Response | Promise<Response>;

/**
 * The route side of an audited command, the same for every state-changing route: who is asking
 * and whether their role suffices (403, audited, before a byte of the body is read), then the
 * body (its errors handed to the command, which refuses them in its own order), then the command,
 * then `answer` turns its result into the response. Every thrown error becomes a typed JSON answer.
 */
export function commandRoute<Params extends Record<string, string>, Result>(command: Command<Params, Result>, answer: Answer<Params, Result>) {
  return route(async (request: Request, segment?: Segment<Params>) => {
    const params = segment ? await segment.params : ({} as Params);
    const context = await requestContext(request, { need: command.role, action: refusalName(command, request) });
    const body = await readBody(request, command.body);
    const deps = getDeps();
    const result = await command.run(deps, { ...params, ...body, context });
    return answer(result, { deps, context, params });
  });
}

/** A command named by its body reads the body only when the caller is refused, to say what they tried; its errors just leave it unnamed. */
function refusalName(command: Command<never, unknown>, request: Request): string | (() => Promise<string>) {
  if (typeof command.name === "string") return command.name;
  return () =>
    readJsonBody(request).then(
      (input) => commandName(command, input),
      () => commandName(command, undefined),
    );
}

/** A body that cannot be read is still an attempt: the command decides where its refusal comes and audits it. */
async function readBody(request: Request, mode: Command<never, unknown>["body"]): Promise<{ input: unknown; bodyError?: unknown }> {
  if (mode === "none" || (mode === "optional" && !request.body)) return { input: undefined };
  return readJsonBody(request).then(
    (input) => ({ input }),
    (bodyError: unknown) => ({ input: undefined, bodyError }),
  );
}
