import { authRoute } from "@/lib/identity/server/auth-route";
import { otherMethods } from "@/lib/shared/http";

/** better-auth's routes (`POST /api/auth/sign-in/email`, `/sign-out`, `/change-password`, `GET /api/auth/get-session`): see lib/identity/server/auth-route.ts. */
export { authRoute as GET, authRoute as POST };

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
