import { z } from "zod";
import { createReport, listReports } from "@/lib/integrate/server/reports/reports";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

export const GET = handle(() => json({ items: listReports() }));

/** `{name, endpoint, historyDataset (a dataset name), timeColumn, valueColumn, seriesColumns}` → 201; a column not in the data is a 422 naming the field. */
export const POST = handle(async (req) => json(createReport(await readJson(req, z.unknown())), { status: 201 }));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
