import { otherMethods } from "@/lib/shared/http";

/** V2 liveness: the server answers. Does no work at all, so it is also the floor `npm run bench` compares scoring with. */
export function GET(): Response {
  return Response.json({ live: true });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
