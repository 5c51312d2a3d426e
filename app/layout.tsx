import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { MainNav } from "@/components/main-nav";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ML Workbench", template: "%s · ML Workbench" },
  description: "Define, get data, prepare, train, integrate and monitor machine-learning models.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-3 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow">
          Skip to content
        </a>
        <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/90 backdrop-blur">
          <div className="mx-auto flex h-14 max-w-7xl items-center gap-4 px-4 sm:gap-8 sm:px-6">
            <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight whitespace-nowrap text-slate-900">
              <span aria-hidden className="grid size-7 place-items-center rounded-md bg-indigo-600 text-sm text-white">
                ML
              </span>
              ML Workbench
            </Link>
            <MainNav />
          </div>
        </header>
        <Providers>
          <main id="main" className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
