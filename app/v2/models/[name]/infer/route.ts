import { preflight, scoreRequest } from "@/lib/integrate/server/serving/score";
import { otherMethods } from "@/lib/shared/http";

type Ctx = { params: Promise<{ name: string }> };

/** The Open Inference Protocol (V2) for the same endpoint and keys as /api/endpoints/{name}/score. */
export async function POST(req: Request, ctx: Ctx): Promise<Response> {
  return scoreRequest(req, (await ctx.params).name, "v2");
}

export async function OPTIONS(req: Request, ctx: Ctx): Promise<Response> {
  return preflight(req, (await ctx.params).name);
}

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST", "OPTIONS");
