import { bundleOf } from "@/lib/train/server/models";
import { handle } from "@/lib/identity/server/guard";
import { otherMethods } from "@/lib/shared/http";

/** The bundle as a tar download: manifest, tfjs model.json + weights.bin, recipe, reference sample. */
export const GET = handle<{ id: string }>((_req, { id }) => {
  const { fileName, bytes } = bundleOf(id);
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": "application/x-tar",
      "content-disposition": `attachment; filename="${fileName}"`,
      "content-length": String(bytes.byteLength),
    },
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
