import Link from "next/link";
import type { ReactNode } from "react";
import type { ShopProduct } from "@/lib/samples/shop-catalog";

/** The demo shop's look: its own colours, and a line saying what it demonstrates. */
export function ShopFrame({ children }: { children: ReactNode }) {
  return (
    <div className="-mx-4 -my-8 min-h-[70vh] bg-amber-50/60 px-4 py-8 sm:-mx-6 sm:px-6">
      <div className="mb-6 flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight text-amber-900">
          <Link href="/shop">The Gift Shop</Link>
        </h1>
        <p className="max-w-xl text-xs text-amber-900/70">
          A demo of an outside application: its product pages ask the workbench&apos;s real-time <code>web-shop</code> endpoint over HTTP, with a key, for items
          that go with the one on screen.
        </p>
      </div>
      {children}
    </div>
  );
}

export function formatPrice(price: number | null): string {
  return price === null ? "–" : `£${price.toFixed(2)}`;
}

/** A drawn stand-in for a product photo: the item's initials on a colour derived from its id. */
export function ProductImage({ product, large = false }: { product: ShopProduct; large?: boolean }) {
  let hash = 0;
  for (const ch of product.id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const initials = product.name
    .split(/\s+/)
    .filter((w) => /^[A-Za-z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0])
    .join("");
  return (
    <div
      aria-hidden
      className={`grid place-items-center rounded-lg font-semibold text-white/90 ${large ? "h-56 text-5xl" : "h-24 text-2xl"}`}
      style={{ background: `hsl(${hash % 360} 45% 55%)` }}
    >
      {initials || "?"}
    </div>
  );
}

export function ProductTile({ product, compact = false }: { product: ShopProduct; compact?: boolean }) {
  return (
    <Link href={`/shop/${encodeURIComponent(product.id)}`} className="block rounded-lg border border-amber-100 bg-white p-2 transition-shadow hover:shadow-md">
      <ProductImage product={product} />
      <p className={`mt-2 line-clamp-2 font-medium text-slate-800 ${compact ? "text-xs" : "text-sm"}`}>{product.name}</p>
      <p className="text-xs text-amber-700">{formatPrice(product.price)}</p>
    </Link>
  );
}
