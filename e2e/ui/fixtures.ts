/** Data the UI tests make for themselves through the API. */
import { expect, type APIRequestContext, type APIResponse } from "@playwright/test";

/** y = 2a − b + 1 with a little noise: a linear model fits it almost perfectly (R² ≈ 1). */
function planeCsv(rows: number): string {
  let seed = 23;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines = ["a,b,y"];
  for (let i = 0; i < rows; i++) {
    const a = rand() * 10 - 5;
    const b = rand() * 10 - 5;
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${(2 * a - b + 1 + (rand() - 0.5) * 0.2).toFixed(4)}`);
  }
  return lines.join("\n") + "\n";
}

export async function json<T>(res: APIResponse, status: number): Promise<T> {
  expect(res.status(), await res.text()).toBe(status);
  return (await res.json()) as T;
}

/** A regression project (success: R² ≥ 0.9) on its own fresh dataset, with a saved recipe: ready to train. */
export async function regressionProjectWithRecipe(request: APIRequestContext, label: string) {
  const tag = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const dataset = await json<{ id: string }>(
    await request.post("/api/datasets", {
      multipart: { name: `${label} data ${tag}`, file: { name: "plane.csv", mimeType: "text/csv", buffer: Buffer.from(planeCsv(200)) } },
    }),
    201,
  );
  const project = await json<{ id: string; name: string }>(
    await request.post("/api/projects", {
      data: { name: `${label} ${tag}`, task: "regression", datasetId: dataset.id, target: "y", successMetric: "r2", successThreshold: 0.9 },
    }),
    201,
  );
  await json(
    await request.put(`/api/projects/${project.id}/recipe`, {
      data: { datasetId: dataset.id, target: "y", steps: [], split: { method: "random", validation: 0.2, seed: 1 } },
    }),
    201,
  );
  return project;
}

/** The sample report's name. */
export const REPORT = "Orange juice weekly forecast";

/** The seeded report, once the worker has trained and deployed the sample forecaster and scored it once. */
export async function seededReport(request: APIRequestContext): Promise<{ id: string }> {
  await expect.poll(async () => (await request.get("/api/endpoints/oj-weekly")).status(), { timeout: 240_000, intervals: [1000, 2000, 5000] }).toBe(200);
  let report: { id: string; name: string; refreshedAt: string | null } | undefined;
  await expect
    .poll(
      async () => {
        const { items } = (await (await request.get("/api/reports")).json()) as { items: { id: string; name: string; refreshedAt: string | null }[] };
        report = items.find((r) => r.name === REPORT);
        return report?.refreshedAt ?? null;
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .not.toBeNull();
  return report!;
}
