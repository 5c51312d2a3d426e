import { z } from "zod";
import { currentPrincipal } from "@/lib/identity/server/context";
import { handle } from "@/lib/identity/server/guard";
import { getSettings, updateSettings } from "@/lib/identity/server/settings";
import { json, otherMethods, readJson } from "@/lib/shared/http";

export const GET = handle(() => json(getSettings()));

/** Any of `{webhookAllowedHosts, quotas:{…}}` → the settings. */
export const PUT = handle(async (req) => json(updateSettings(await readJson(req, z.unknown()), currentPrincipal()?.userId ?? null)));

export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");
