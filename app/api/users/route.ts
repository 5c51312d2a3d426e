import { handle } from "@/lib/identity/server/guard";
import { listPeople } from "@/lib/identity/server/people";
import { json, otherMethods } from "@/lib/shared/http";

/** Everyone with an account (administrators). */
export const GET = handle(() => json({ items: listPeople() }));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
