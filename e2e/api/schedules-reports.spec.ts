import { expect, test, type APIRequestContext } from "@playwright/test";
import { expectJson, expectProblem, uniq } from "./helpers";
import { waitForJob, type Job } from "./job-helpers";

/**
 * Schedules and reports over the seeded batch scenario: the worker trains the orange-juice
 * forecaster on first start and deploys it to the `oj-weekly` batch endpoint, with a weekly
 * schedule and a report, and runs the first job at once.
 */

const OJ = "oj-weekly";
const FUTURE = "Orange juice weeks to forecast";
const HISTORY = "Orange juice sales (9 series)";
/** The worker trains two sample models at start, behind other tests' runs: allow for it. */
const SEED_TIMEOUT_MS = 240_000;

interface Schedule {
  id: string;
  name: string;
  endpoint: string;
  dataset: string;
  cron: string;
  timezone: string;
  reportId: string | null;
  enabled: boolean;
  nextRunAt: string | null;
  upcoming: string[];
  lastRunAt: string | null;
  lastJobId: string | null;
  runs?: Job[];
}

interface Point {
  series: string;
  time: string;
  value: number;
}

interface ReportData {
  history: Point[];
  forecast: Point[];
  series: string[];
  boundary: string | null;
  refreshedAt: string | null;
  jobId: string | null;
}

interface Report {
  id: string;
  name: string;
  endpoint: string;
  historyDataset: string;
  timeColumn: string;
  valueColumn: string;
  seriesColumns: string[];
  refreshedAt: string | null;
  job: { id: string } | null;
  schedules: { id: string; cron: string; timezone: string; nextRunAt: string | null }[];
}

async function waitForOjEndpoint(request: APIRequestContext): Promise<void> {
  await expect.poll(async () => (await request.get(`/api/endpoints/${OJ}`)).status(), { timeout: SEED_TIMEOUT_MS, intervals: [1000, 2000, 5000] }).toBe(200);
}

const newSchedule = (request: APIRequestContext, body: Record<string, unknown>) => request.post("/api/schedules", { data: body });
const validSchedule = () => ({ name: uniq("schedule"), endpoint: OJ, dataset: FUTURE, cron: "0 6 * * 1", timezone: "Europe/London" });

test.describe("schedules", () => {
  test("bad input is a 422 naming the field: cron, time zone, endpoint, dataset", async ({ request }) => {
    const base = { ...validSchedule(), endpoint: "no-such-endpoint" };
    await expectProblem(await newSchedule(request, base), 422, "endpoint");
    await expectProblem(await newSchedule(request, { ...base, cron: "61 * * * *" }), 422, "cron");
    await expectProblem(await newSchedule(request, { ...base, cron: "*/5 * * * * *" }), 422, "cron");
    await expectProblem(await newSchedule(request, { ...base, timezone: "Mars/Olympus_Mons" }), 422, "timezone");
    await expectProblem(await newSchedule(request, { ...base, dataset: uniq("no such dataset") }), 422, "dataset");
    await expectProblem(await newSchedule(request, { ...base, datasetName: uniq("no such dataset"), dataset: undefined }), 422, "datasetName");
    const { cron: _cron, ...noCron } = base;
    await expectProblem(await newSchedule(request, noCron), 422, "cron");
    await expectProblem(await newSchedule(request, { ...base, extra: 1 }), 422);
    await expectProblem(await request.get("/api/schedules/sch_nope"), 404);
    await expectProblem(await request.post("/api/schedules/sch_nope/run"), 404);
  });

  test("create, list, run now: the job succeeds and is in the schedule's history with its output; patch and delete", async ({ request }) => {
    test.setTimeout(SEED_TIMEOUT_MS + 120_000);
    await waitForOjEndpoint(request);
    const body = { ...validSchedule(), timezone: "europe/london" };
    const created = await expectJson<Schedule>(await newSchedule(request, body), 201);
    expect(created).toMatchObject({
      name: body.name,
      endpoint: OJ,
      dataset: FUTURE,
      cron: "0 6 * * 1",
      timezone: "Europe/London",
      enabled: true,
      lastJobId: null,
    });
    // Mondays 06:00 in London: 05:00 or 06:00 UTC depending on summer time, a week apart.
    const next = new Date(created.nextRunAt!);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getUTCDay()).toBe(1);
    expect([5, 6]).toContain(next.getUTCHours());
    expect(created.upcoming).toHaveLength(3);
    expect(created.upcoming[0]).toBe(created.nextRunAt);
    const gapHours = (Date.parse(created.upcoming[1]) - Date.parse(created.upcoming[0])) / 3_600_000;
    expect([167, 168, 169]).toContain(gapHours);

    const { items } = await expectJson<{ items: Schedule[] }>(await request.get("/api/schedules"), 200);
    expect(items.map((s) => s.id)).toContain(created.id);

    const queued = await expectJson<Job>(await request.post(`/api/schedules/${created.id}/run`), 202);
    expect(queued).toMatchObject({ endpoint: OJ, scheduleId: created.id });
    const job = await waitForJob(request, queued.id);
    expect(job.error).toBeNull();
    expect(job.status).toBe("succeeded");
    expect(job.rowsDone).toBe(36);

    const detail = await expectJson<Schedule>(await request.get(`/api/schedules/${created.id}`), 200);
    expect(detail.lastJobId).toBe(job.id);
    expect(detail.lastRunAt).not.toBeNull();
    // Run now leaves the cron's next run as it was.
    expect(detail.nextRunAt).toBe(created.nextRunAt);
    expect(detail.runs!.map((r) => r.id)).toEqual([job.id]);
    expect(detail.runs![0].outputUrl).toBe(`/api/jobs/${job.id}/output.csv`);
    const csv = await request.get(detail.runs![0].outputUrl!);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split("\n");
    expect(lines).toHaveLength(37);
    expect(lines[0].split(",")).toEqual(expect.arrayContaining(["WeekStarting", "Store", "Brand", "prediction"]));

    const paused = await expectJson<Schedule>(await request.patch(`/api/schedules/${created.id}`, { data: { cron: "30 7 * * *", enabled: false } }), 200);
    expect(paused).toMatchObject({ cron: "30 7 * * *", enabled: false, nextRunAt: null });
    const resumed = await expectJson<Schedule>(
      await request.patch(`/api/schedules/${created.id}`, { data: { enabled: true, timezone: "America/New_York" } }),
      200,
    );
    expect(new Date(resumed.nextRunAt!).getUTCMinutes()).toBe(30);
    await expectProblem(await request.patch(`/api/schedules/${created.id}`, { data: { cron: "61 * * * *" } }), 422, "cron");
    await expectProblem(await request.patch(`/api/schedules/${created.id}`, { data: { endpoint: "no-such-endpoint" } }), 422, "endpoint");

    expect((await request.delete(`/api/schedules/${created.id}`)).status()).toBe(204);
    await expectProblem(await request.get(`/api/schedules/${created.id}`), 404);
    // The job outlives its schedule.
    expect((await request.get(`/api/jobs/${job.id}`)).status()).toBe(200);
  });

  test("the scheduler queues a due schedule's job by itself", async ({ request }) => {
    test.setTimeout(SEED_TIMEOUT_MS + 150_000);
    await waitForOjEndpoint(request);
    const created = await expectJson<Schedule>(await newSchedule(request, { ...validSchedule(), cron: "* * * * *", timezone: "UTC" }), 201);
    try {
      // Due within a minute; the scheduler looks every 15 s.
      let runs: Job[] = [];
      await expect
        .poll(
          async () => {
            runs = (await expectJson<Schedule>(await request.get(`/api/schedules/${created.id}`), 200)).runs ?? [];
            return runs.length;
          },
          { timeout: 100_000, intervals: [2000] },
        )
        .toBeGreaterThan(0);
      expect((await waitForJob(request, runs[runs.length - 1].id)).status).toBe("succeeded");
      const after = await expectJson<Schedule>(await request.get(`/api/schedules/${created.id}`), 200);
      expect(Date.parse(after.nextRunAt!)).toBeGreaterThan(Date.parse(created.nextRunAt!) - 1);
    } finally {
      await request.delete(`/api/schedules/${created.id}`);
    }
  });
});

test.describe("reports", () => {
  test("the seeded report and schedule exist: weekly in London time over the weeks to forecast", async ({ request }) => {
    test.setTimeout(SEED_TIMEOUT_MS + 60_000);
    await waitForOjEndpoint(request);
    let seeded: Report | undefined;
    await expect
      .poll(
        async () => {
          const { items } = await expectJson<{ items: Report[] }>(await request.get("/api/reports"), 200);
          seeded = items.find((r) => r.name === "Orange juice weekly forecast");
          return seeded?.refreshedAt ?? null;
        },
        { timeout: 60_000, intervals: [1000] },
      )
      .not.toBeNull();
    expect(seeded).toMatchObject({
      endpoint: OJ,
      historyDataset: HISTORY,
      timeColumn: "WeekStarting",
      valueColumn: "Quantity",
      seriesColumns: ["Store", "Brand"],
    });
    expect(seeded!.schedules).toHaveLength(1);
    expect(seeded!.schedules[0]).toMatchObject({ cron: "0 6 * * 1", timezone: "Europe/London" });
    const schedule = await expectJson<Schedule>(await request.get(`/api/schedules/${seeded!.schedules[0].id}`), 200);
    expect(schedule).toMatchObject({ endpoint: OJ, dataset: FUTURE, reportId: seeded!.id });
    expect(schedule.runs!.length).toBeGreaterThan(0);
  });

  test("a report on oj-weekly: history and forecast for 9 series; refresh makes a new job and a newer refreshedAt", async ({ request }) => {
    test.setTimeout(SEED_TIMEOUT_MS + 180_000);
    await waitForOjEndpoint(request);
    const report = await expectJson<Report>(
      await request.post("/api/reports", {
        data: {
          name: uniq("oj report"),
          endpoint: OJ,
          historyDataset: HISTORY,
          timeColumn: "WeekStarting",
          valueColumn: "Quantity",
          seriesColumns: ["Store", "Brand"],
        },
      }),
      201,
    );
    expect((await expectJson<Report>(await request.get(`/api/reports/${report.id}`), 200)).name).toBe(report.name);

    // The first job runs right after the deploy: wait for an output to show.
    let data: ReportData | undefined;
    await expect
      .poll(
        async () => {
          data = await expectJson<ReportData>(await request.get(`/api/reports/${report.id}/data`), 200);
          return data.forecast.length;
        },
        { timeout: 60_000, intervals: [1000] },
      )
      .toBeGreaterThan(0);
    expect(data!.series).toHaveLength(9);
    expect(data!.series).toContain("2 · dominicks");
    expect(new Set(data!.history.map((p) => p.series)).size).toBe(9);
    expect(new Set(data!.forecast.map((p) => p.series)).size).toBe(9);
    expect(data!.history.length).toBeGreaterThan(900);
    expect(data!.forecast).toHaveLength(36);
    for (const p of data!.forecast) {
      expect(Number.isFinite(p.value)).toBe(true);
      expect(p.time > data!.boundary!).toBe(true);
    }
    expect(data!.refreshedAt).not.toBeNull();
    const before = data!.refreshedAt!;

    const queued = await expectJson<Job>(await request.post(`/api/reports/${report.id}/refresh`), 202);
    expect(queued.endpoint).toBe(OJ);
    const job = await waitForJob(request, queued.id);
    expect(job.status).toBe("succeeded");
    const after = await expectJson<ReportData>(await request.get(`/api/reports/${report.id}/data`), 200);
    // Another test may have scored on oj-weekly since: the report shows this job's output or a newer one.
    expect(Date.parse(after.refreshedAt!)).toBeGreaterThanOrEqual(Date.parse(job.finishedAt!));
    expect(Date.parse(after.refreshedAt!)).toBeGreaterThan(Date.parse(before));
    expect(after.forecast).toHaveLength(36);

    await expectProblem(await request.post(`/api/reports/${report.id}/refresh`, { data: { datasetId: "ds_nope" } }), 422, "datasetId");
    expect((await request.delete(`/api/reports/${report.id}`)).status()).toBe(204);
    await expectProblem(await request.get(`/api/reports/${report.id}/data`), 404);
  });

  test("a report whose columns are not in the data is a 422 naming the field", async ({ request }) => {
    test.setTimeout(SEED_TIMEOUT_MS + 60_000);
    await waitForOjEndpoint(request);
    const good = {
      name: uniq("bad report"),
      endpoint: OJ,
      historyDataset: HISTORY,
      timeColumn: "WeekStarting",
      valueColumn: "Quantity",
      seriesColumns: ["Store", "Brand"],
    };
    const post = (body: Record<string, unknown>) => request.post("/api/reports", { data: body });
    await expectProblem(await post({ ...good, timeColumn: "Week" }), 422, "timeColumn");
    await expectProblem(await post({ ...good, valueColumn: "Sales" }), 422, "valueColumn");
    await expectProblem(await post({ ...good, valueColumn: "Brand" }), 422, "valueColumn");
    await expectProblem(await post({ ...good, seriesColumns: ["Store", "Chain"] }), 422, "seriesColumns.1");
    // In the history, but not in what the endpoint's batch output carries.
    await expectProblem(await post({ ...good, seriesColumns: ["Store", "Quantity"] }), 422, "seriesColumns.1");
    await expectProblem(await post({ ...good, endpoint: "no-such-endpoint" }), 422, "endpoint");
    await expectProblem(await post({ ...good, historyDataset: uniq("no such dataset") }), 422, "historyDataset");
    await expectProblem(await post({ ...good, name: "" }), 422, "name");
    await expectProblem(await request.get("/api/reports/rpt_nope"), 404);
  });
});
