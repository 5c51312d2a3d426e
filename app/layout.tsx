import type { Metadata } from "next";
import type { ReactNode } from "react";
import { UserMenu } from "@/components/identity/user-menu";
import { type Viewer, ViewerProvider } from "@/components/identity/viewer-context";
import { Brand } from "@/components/ui/brand";
import { MainNav } from "@/components/ui/main-nav";
import { Providers } from "@/components/ui/providers";
import { pageViewer } from "@/lib/identity/server/principal";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ML Workbench", template: "%s · ML Workbench" },
  description: "Define, get data, prepare, train, integrate and monitor machine-learning models.",
};

/**
 * The signed-in person gets the header with the sections and their account; pages open to anyone
 * (sign-in, set-up, invites, the demo shop) render without it for those who are not signed in.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const found = await pageViewer();
  // Only what the browser needs crosses to it.
  const viewer: Viewer | null = found && { id: found.id, email: found.email, name: found.name, role: found.role };
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-3 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow"
        >
          Skip to content
        </a>
        <ViewerProvider viewer={viewer}>
          {viewer && (
            <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/90 backdrop-blur">
              <div className="mx-auto flex h-14 max-w-7xl items-center gap-4 px-4 sm:gap-8 sm:px-6">
                <Brand />
                <MainNav />
                <UserMenu />
              </div>
            </header>
          )}
          <Providers>
            <main id="main" className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
              {children}
            </main>
          </Providers>
        </ViewerProvider>
      </body>
    </html>
  );
}
