import { handle } from "@/lib/identity/server/guard";
import { joinedAnswer } from "@/lib/identity/server/people";
import { completeSetup } from "@/lib/identity/server/setup";
import { otherMethods } from "@/lib/shared/http";

/** `{token, email, name, password}` with the printed set-up token → 201, the first administrator, signed in. */
export const POST = handle((req) => joinedAnswer(req, completeSetup));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
