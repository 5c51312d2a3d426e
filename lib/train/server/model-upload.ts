import { AppError } from "@/lib/shared/errors";
import { MAX_BUNDLE_BYTES } from "./models";

const tooLarge = () => new AppError("TOO_LARGE", `Bundles are limited to ${MAX_BUNDLE_BYTES} bytes.`, [{ field: "file", message: "too large" }]);

/** Reads an uploaded bundle into memory (bundles are small), refusing oversized bodies. */
export async function readModelUpload(req: Request): Promise<{ bytes: Uint8Array; name?: string }> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (Number(req.headers.get("content-length") ?? "0") > MAX_BUNDLE_BYTES) throw tooLarge();
  const queryName = new URL(req.url).searchParams.get("name") ?? undefined;
  if (type.startsWith("multipart/form-data")) {
    const form = await req.formData().catch(() => {
      throw new AppError("BAD_REQUEST", "Malformed multipart body.", [{ field: "file", message: "malformed" }]);
    });
    const file = form.get("file");
    if (!(file instanceof File)) throw new AppError("VALIDATION", 'The form has no file part named "file".', [{ field: "file", message: "required" }]);
    if (file.size > MAX_BUNDLE_BYTES) throw tooLarge();
    const name = form.get("name");
    return { bytes: new Uint8Array(await file.arrayBuffer()), name: typeof name === "string" ? name : queryName };
  }
  if (type && !/^application\/(x-tar|octet-stream)/.test(type)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Send the bundle as application/x-tar or multipart/form-data, not ${type.split(";")[0]}.`, [
      { field: "content-type", message: "unsupported" },
    ]);
  }
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.byteLength > MAX_BUNDLE_BYTES) throw tooLarge();
  if (bytes.byteLength === 0) throw new AppError("VALIDATION", "The body is empty; send a bundle.", [{ field: "file", message: "required" }]);
  return { bytes, name: queryName };
}
