import { readModelUpload } from "@/lib/train/server/model-upload";
import { importBundle } from "@/lib/train/server/models";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/** A bundle back in: a raw tar body (`?name=` optional) or a multipart `file`. */
export const POST = handle(async (req) => {
  const { bytes, name } = await readModelUpload(req);
  return json(importBundle(bytes, name), { status: 201 });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
