import { preflight, scoreRequest } from "@/lib/integrate/server/serving/score";
import { otherMethods } from "@/lib/shared/http";

type Ctx = { params: Promise<{ name: string }> };

/** Real-time scoring: native `{rows}`, MLflow's formats or text/csv; `Authorization: Bearer <key>`. */
export async function POST(req: Request, ctx: Ctx): Promise<Response> {
  return scoreRequest(req, (await ctx.params).name, "native");
}

export async function OPTIONS(req: Request, ctx: Ctx): Promise<Response> {
  return preflight(req, (await ctx.params).name);
}

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST", "OPTIONS");
