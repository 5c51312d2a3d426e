import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { ProductTile, ShopFrame } from "@/components/integrate/shop";
import { shopCatalog } from "@/lib/samples/shop-catalog";

export const metadata: Metadata = { title: "Web shop demo" };

const SHOWN_PRODUCTS = 48;

/** The demo shop's front page: popular products, or those matching a search. */
export default async function ShopPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  await connection();
  const { q = "" } = await searchParams;
  const catalog = await shopCatalog();
  const query = q.trim().toLowerCase();
  const products = (catalog?.popular ?? [])
    .filter((p) => !query || p.name.toLowerCase().includes(query) || p.id.toLowerCase() === query)
    .slice(0, SHOWN_PRODUCTS);
  return (
    <ShopFrame>
      <form role="search" action="/shop" className="mb-6 flex gap-2">
        <label htmlFor="shop-q" className="sr-only">
          Search products
        </label>
        <input
          id="shop-q"
          type="search"
          name="q"
          defaultValue={q}
          placeholder="Search: mug, lantern, bunting…"
          className="w-full max-w-md rounded-md border border-amber-200 bg-white px-3 py-2 text-sm"
        />
        <button type="submit" className="rounded-md bg-amber-600 px-4 py-2 text-sm font-medium text-white hover:bg-amber-700">
          Search
        </button>
      </form>
      {!catalog ? (
        <p className="text-sm text-slate-600">The sample catalog is not in this workbench (it is seeded on first start).</p>
      ) : products.length === 0 ? (
        <p className="text-sm text-slate-600">
          Nothing matches “{q}”. <Link href="/shop">All products</Link>
        </p>
      ) : (
        <ul aria-label="Products" className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4">
          {products.map((p) => (
            <li key={p.id}>
              <ProductTile product={p} />
            </li>
          ))}
        </ul>
      )}
    </ShopFrame>
  );
}
