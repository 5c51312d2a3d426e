/** Datasets: the catalog, one version, its rows and its profile. */
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { enc, fetchJson } from "@/components/api/fetch";
import type { DatasetDetail, DatasetProfile, DatasetVersion, RowsPage } from "@/components/api/types";

export const datasetKeys = {
  all: ["datasets"] as const,
  list: () => [...datasetKeys.all, "list"] as const,
  detail: (id: string) => [...datasetKeys.all, "detail", id] as const,
  rows: (id: string, offset: number, limit: number) => [...datasetKeys.detail(id), "rows", offset, limit] as const,
  profile: (id: string) => [...datasetKeys.detail(id), "profile"] as const,
};

export const datasetListQuery = () =>
  queryOptions({
    queryKey: datasetKeys.list(),
    queryFn: ({ signal }) => fetchJson<{ items: DatasetVersion[] }>("/api/datasets", { signal }).then((r) => r.items),
  });

export const datasetQuery = (id: string) =>
  queryOptions({
    queryKey: datasetKeys.detail(id),
    queryFn: ({ signal }) => fetchJson<DatasetDetail>(`/api/datasets/${enc(id)}`, { signal }),
  });

const rowsUrl = (id: string, offset: number, limit: number) => `/api/datasets/${enc(id)}/rows?offset=${offset}&limit=${limit}`;

export const datasetRowsQuery = (id: string, offset: number, limit: number) =>
  queryOptions({
    queryKey: datasetKeys.rows(id, offset, limit),
    queryFn: ({ signal }) => fetchJson<RowsPage>(rowsUrl(id, offset, limit), { signal }),
    staleTime: 5 * 60_000,
  });

/** The column statistics the Prepare step and a dataset's page show. */
export const datasetProfileQuery = (id: string) =>
  queryOptions({
    queryKey: datasetKeys.profile(id),
    queryFn: ({ signal }) => fetchJson<DatasetProfile>(`/api/datasets/${enc(id)}/profile`, { signal }),
    staleTime: 5 * 60_000,
  });

export const invalidateDatasets = (qc: QueryClient) => qc.invalidateQueries({ queryKey: datasetKeys.all });

/** Rows per page when the train page reads a whole dataset for browser training. */
export const BROWSER_TRAIN_PAGE_ROWS = 1000;

/** Every row of a dataset version, page by page; `onPage(loaded, total)` after each page. */
export async function fetchAllRows(datasetId: string, onPage?: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<RowsPage["rows"]> {
  const rows: RowsPage["rows"] = [];
  let total = Infinity;
  while (rows.length < total) {
    const page = await fetchJson<RowsPage>(rowsUrl(datasetId, rows.length, BROWSER_TRAIN_PAGE_ROWS), { signal });
    total = page.total;
    rows.push(...page.rows);
    onPage?.(rows.length, total);
    if (page.rows.length === 0) break;
  }
  return rows;
}
