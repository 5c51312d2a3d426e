import { findLatestVersion, readTypedRows } from "@/lib/data/server/datasets";
import { trimmedCellText } from "@/lib/shared/cells";

/** The web-shop demo's product database: the bundled catalog derived from the online-retail invoices. */
export const SHOP_CATALOG_DATASET = "Product catalog";

export interface ShopProduct {
  id: string;
  name: string;
  price: number | null;
  /** Invoices the product was on: the shop lists popular products first. */
  invoices: number;
}

let cached: { versionId: string; byId: Map<string, ShopProduct>; popular: ShopProduct[] } | null = null;

/** Loads the catalog once per dataset version and keeps it in memory (≈2,000 products). */
export async function shopCatalog(): Promise<{ byId: Map<string, ShopProduct>; popular: ShopProduct[] } | null> {
  const version = findLatestVersion(SHOP_CATALOG_DATASET);
  if (!version) return null;
  if (cached?.versionId === version.id) return cached;
  const { rows } = await readTypedRows(version.id);
  const products = rows.flatMap((r): ShopProduct[] => {
    const id = trimmedCellText(r.StockCode);
    if (id === null) return [];
    const name = trimmedCellText(r.Description) ?? id;
    const price = typeof r.median_unit_price === "number" ? r.median_unit_price : null;
    return [{ id, name, price, invoices: typeof r.n_invoices === "number" ? r.n_invoices : 0 }];
  });
  const byId = new Map(products.map((p) => [p.id, p]));
  cached = { versionId: version.id, byId, popular: [...products].sort((a, b) => b.invoices - a.invoices) };
  return cached;
}
