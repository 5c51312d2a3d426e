import { QueryClient, type QueryKey } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { datasetKeys, invalidateDatasets } from "@/components/data/queries";
import { invalidateProjects, projectKeys } from "@/components/define/queries";
import { auditKeys, inviteKeys, settingsKeys, tokenKeys, userKeys } from "@/components/identity/queries";
import { endpointKeys, invalidateEndpoints, jobKeys, reportKeys } from "@/components/integrate/queries";
import { alertKeys, monitorKeys } from "@/components/monitor/queries";
import { recipeKeys } from "@/components/prepare/queries";
import { invalidateRuns, modelKeys, runKeys, sweepKeys } from "@/components/train/queries";

/** A client holding one entry under each key, none of them stale. */
function clientWith(keys: QueryKey[]) {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  for (const key of keys) qc.setQueryData(key, { key });
  return qc;
}
const invalidated = (qc: QueryClient) =>
  qc
    .getQueryCache()
    .getAll()
    .filter((q) => q.state.isInvalidated)
    .map((q) => q.queryKey);

const startsWith = (key: QueryKey, prefix: QueryKey) => prefix.every((part, i) => JSON.stringify(key[i]) === JSON.stringify(part));

describe("one key convention", () => {
  it("starts every key of a resource with its `all`", () => {
    const cases: [QueryKey, QueryKey[]][] = [
      [projectKeys.all, [projectKeys.list(), projectKeys.detail("p")]],
      [datasetKeys.all, [datasetKeys.list(), datasetKeys.detail("d"), datasetKeys.rows("d", 0, 50), datasetKeys.profile("d")]],
      [runKeys.all, [runKeys.detail("r")]],
      [modelKeys.all, [modelKeys.list(), modelKeys.list({ projectId: "p" })]],
      [endpointKeys.all, [endpointKeys.list(), endpointKeys.detail("e"), endpointKeys.ready("e"), endpointKeys.traffic("e")]],
      [jobKeys.all, [jobKeys.detail("j"), jobKeys.errors("j")]],
      [reportKeys.all, [reportKeys.detail("r"), reportKeys.data("r")]],
      [alertKeys.all, [alertKeys.list("e"), alertKeys.rules("e")]],
      [userKeys.all, [userKeys.list()]],
      [inviteKeys.all, [inviteKeys.list()]],
      [tokenKeys.all, [tokenKeys.list({ everyone: true })]],
      [auditKeys.all, [auditKeys.list({ outcome: "denied" })]],
      [settingsKeys.all, [settingsKeys.detail()]],
    ];
    for (const [all, keys] of cases) for (const key of keys) expect(startsWith(key, all), JSON.stringify(key)).toBe(true);
  });

  it("keeps the resources' roots apart", () => {
    const roots = [
      projectKeys,
      datasetKeys,
      runKeys,
      modelKeys,
      endpointKeys,
      jobKeys,
      reportKeys,
      alertKeys,
      userKeys,
      inviteKeys,
      tokenKeys,
      auditKeys,
      settingsKeys,
    ].map((k) => k.all[0]);
    expect(new Set(roots).size).toBe(roots.length);
  });

  it("puts what belongs to a project under it: a change to the project refreshes its recipe, runs and sweeps", () => {
    const mine = [projectKeys.detail("p1"), recipeKeys.detail("p1"), recipeKeys.versions("p1"), runKeys.list("p1"), sweepKeys.list("p1")];
    const others = [projectKeys.detail("p2"), runKeys.list("p2"), datasetKeys.detail("d1"), modelKeys.list()];
    const qc = clientWith([...mine, ...others, projectKeys.list()]);
    void invalidateProjects(qc);
    expect(invalidated(qc)).toEqual(expect.arrayContaining([...mine, ...others.slice(0, 2), projectKeys.list()]));
    expect(invalidated(qc)).not.toContainEqual(datasetKeys.detail("d1"));
    expect(invalidated(qc)).not.toContainEqual(modelKeys.list());
  });

  it("puts what belongs to an endpoint under it: its jobs and monitor windows refresh with it", () => {
    const keys = [
      endpointKeys.detail("e1"),
      jobKeys.list("e1"),
      monitorKeys.drift("e1", "day"),
      monitorKeys.performance("e1", "week"),
      reportKeys.detail("r1"),
    ];
    const qc = clientWith(keys);
    void invalidateEndpoints(qc);
    expect(invalidated(qc)).toEqual(keys.slice(0, 4));
  });

  it("refreshes a project's runs list and every run, the monitor's challenger too, after a run changes", () => {
    const qc = clientWith([runKeys.list("p1"), runKeys.detail("r1"), monitorKeys.challenger("r1"), runKeys.list("p2"), projectKeys.detail("p1")]);
    void invalidateRuns(qc, "p1");
    expect(invalidated(qc)).toEqual([runKeys.list("p1"), runKeys.detail("r1"), monitorKeys.challenger("r1")]);
  });

  it("refreshes a dataset's rows and profile with it", () => {
    const qc = clientWith([datasetKeys.detail("d1"), datasetKeys.rows("d1", 0, 50), datasetKeys.profile("d1"), projectKeys.detail("p1")]);
    void invalidateDatasets(qc);
    expect(invalidated(qc)).toEqual([datasetKeys.detail("d1"), datasetKeys.rows("d1", 0, 50), datasetKeys.profile("d1")]);
  });

  it("takes the performance buckets under one prefix", () => {
    expect(startsWith(monitorKeys.performance("e1", "day"), monitorKeys.performance("e1"))).toBe(true);
    expect(startsWith(monitorKeys.performance("e1", "week"), monitorKeys.performance("e1"))).toBe(true);
  });
});
