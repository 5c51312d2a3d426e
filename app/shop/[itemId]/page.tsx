import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { formatPrice, ProductImage, ProductTile, ShopFrame } from "@/components/integrate/shop";
import { readShopState, SHOP_ENDPOINT } from "@/lib/samples/demo";
import { type ShopProduct, shopCatalog } from "@/lib/samples/shop-catalog";

export const metadata: Metadata = { title: "Product · Web shop demo" };

/** Recommendations shown beside a product. */
const RECOMMENDATIONS = 8;
/** The shop gives the endpoint this long before it shows the page without recommendations. */
const RECOMMEND_TIMEOUT_MS = 2000;

/**
 * A product page. The product renders at once; the recommendations come from the real-time
 * endpoint, called over HTTP with the shop's key as any outside application would, and stream
 * into the same response when they arrive (a Suspense boundary), with the call's duration.
 */
export default async function ProductPage({ params }: { params: Promise<{ itemId: string }> }) {
  await connection();
  const { itemId } = await params;
  const catalog = await shopCatalog();
  const product = catalog?.byId.get(decodeURIComponent(itemId));
  if (!product) notFound();
  return (
    <ShopFrame>
      <nav aria-label="Shop breadcrumb" className="mb-4 text-sm">
        <Link href="/shop" className="text-amber-700 hover:underline">
          ← All products
        </Link>
      </nav>
      <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)]">
        <article aria-label="Product" className="rounded-xl border border-amber-100 bg-white p-6">
          <ProductImage product={product} large />
          <h2 className="mt-4 text-xl font-semibold text-slate-900">{product.name}</h2>
          <p className="mt-1 text-sm text-slate-500">Item {product.id}</p>
          <p className="mt-3 text-lg font-medium text-amber-700">{formatPrice(product.price)}</p>
          <p className="mt-1 text-xs text-slate-500">On {product.invoices} invoices in the sample year.</p>
        </article>
        <section aria-labelledby="recs-heading" className="rounded-xl border border-amber-100 bg-white p-6">
          <h2 id="recs-heading" className="text-base font-semibold text-slate-900">
            Goes well with
          </h2>
          <Suspense fallback={<p className="mt-3 text-sm text-slate-500">Finding items that go with it…</p>}>
            <Recommendations product={product} byId={catalog!.byId} />
          </Suspense>
        </section>
      </div>
    </ShopFrame>
  );
}

interface ScoreAnswer {
  predictions: { itemId: string; score: number }[][];
  model: { id: string; name?: string; version: number };
  requestId: string;
}

async function Recommendations({ product, byId }: { product: ShopProduct; byId: Map<string, ShopProduct> }) {
  const state = readShopState();
  if (!state.key || !state.endpoint) {
    return (
      <p role="status" className="mt-3 text-sm text-slate-600">
        {state.error
          ? `Recommendations are unavailable: ${state.error}.`
          : `Recommendations appear once the sample recommender has trained and is deployed to the “${SHOP_ENDPOINT}” endpoint (a minute after the first start).`}
      </p>
    );
  }
  const h = await headers();
  const origin = `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host")}`;
  const started = performance.now();
  let answer: ScoreAnswer | null = null;
  let failure: string | null = null;
  try {
    const res = await fetch(`${origin}/api/endpoints/${encodeURIComponent(state.endpoint)}/score`, {
      method: "POST",
      headers: { authorization: `Bearer ${state.key}`, "content-type": "application/json" },
      body: JSON.stringify({ rows: [{ itemId: product.id }], k: RECOMMENDATIONS }),
      cache: "no-store",
      signal: AbortSignal.timeout(RECOMMEND_TIMEOUT_MS),
    });
    if (res.ok) answer = (await res.json()) as ScoreAnswer;
    else failure = `the endpoint answered ${res.status}`;
  } catch (e) {
    failure = (e as Error).name === "TimeoutError" ? `no answer within ${RECOMMEND_TIMEOUT_MS} ms` : (e as Error).message;
  }
  const ms = performance.now() - started;
  if (!answer) return <p className="mt-3 text-sm text-slate-600">Recommendations are unavailable right now ({failure}).</p>;
  const items = answer.predictions[0] ?? [];
  return (
    <>
      <ul aria-label="Recommendations" className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {items.map((r) => {
          const p = byId.get(r.itemId) ?? { id: r.itemId, name: r.itemId, price: null, invoices: 0 };
          return (
            <li key={r.itemId}>
              <ProductTile product={p} compact />
            </li>
          );
        })}
      </ul>
      <p className="mt-4 text-xs text-slate-500" data-testid="recommendation-timing">
        {items.length} recommendations in <span className="font-medium text-slate-700">{ms.toFixed(1)} ms</span> from the “{state.endpoint}” endpoint (model v
        {answer.model.version}, request {answer.requestId}).
      </p>
    </>
  );
}
