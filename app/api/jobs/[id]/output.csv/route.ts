import { jobOutputStream } from "@/lib/integrate/server/batch/jobs";
import { handle } from "@/lib/identity/server/guard";
import { otherMethods } from "@/lib/shared/http";

/** Every input row, in order, with its prediction columns; streamed, and only for a succeeded job. */
export const GET = handle<{ id: string }>((_req, { id }) => {
  const { stream, bytes, fileName } = jobOutputStream(id);
  return new Response(stream, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-length": String(bytes), "content-disposition": `attachment; filename="${fileName}"` },
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
