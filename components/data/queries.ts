/** Datasets: the catalog, one version, its rows and its profile. */
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { enc, fetchJson } from "@/components/api/fetch";
import type { DatasetDetail, DatasetProfile, DatasetVersion, RowsPage } from "@/components/api/types";
import { type RowFilter, type RowSort, rowsSearchParams } from "@/lib/data/row-query";

/** How a page of rows is ordered and narrowed: a sort (or file order) and filters that all hold. */
export interface RowsView {
  sort: RowSort | null;
  filters: RowFilter[];
}

export const datasetKeys = {
  all: ["datasets"] as const,
  list: () => [...datasetKeys.all, "list"] as const,
  detail: (id: string) => [...datasetKeys.all, "detail", id] as const,
  rows: (id: string, offset: number, limit: number, view?: RowsView) => [...datasetKeys.detail(id), "rows", offset, limit, view ?? null] as const,
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

const rowsUrl = (id: string, offset: number, limit: number, view?: RowsView) =>
  `/api/datasets/${enc(id)}/rows?${rowsSearchParams({ offset, limit, sort: view?.sort, filters: view?.filters })}`;

/** A page of a version's rows, sorted and filtered on the server when `view` says so. */
export const datasetRowsQuery = (id: string, offset: number, limit: number, view?: RowsView) =>
  queryOptions({
    queryKey: datasetKeys.rows(id, offset, limit, view),
    queryFn: ({ signal }) => fetchJson<RowsPage>(rowsUrl(id, offset, limit, view), { signal }),
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
