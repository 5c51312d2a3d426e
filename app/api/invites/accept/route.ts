import { handle } from "@/lib/identity/server/guard";
import { acceptInvite } from "@/lib/identity/server/invites";
import { joinedAnswer } from "@/lib/identity/server/people";
import { otherMethods } from "@/lib/shared/http";

/** `{token, email, name, password}` → 201, the new account with the invite's role, signed in. */
export const POST = handle((req) => joinedAnswer(req, acceptInvite));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
