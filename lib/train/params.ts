import type { z } from "zod";
import { AppError, describeFields } from "@/lib/shared/errors";
import { withoutUndefined } from "@/lib/shared/objects";

/**
 * A run's params checked against a model's schema (partial, strict: a typo is refused rather than
 * ignored); every problem becomes a VALIDATION error on `params.<name>`. Undefined values drop out.
 */
export function parseParams<T extends z.ZodType>(schema: T, params: unknown): Partial<z.infer<T>> {
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => {
      const key = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : issue.path.join(".");
      return { field: key ? `params.${key}` : "params", message: issue.message };
    });
    throw new AppError("VALIDATION", `invalid params: ${describeFields(errors)}`, errors);
  }
  return withoutUndefined(parsed.data as Partial<z.infer<T>>);
}
