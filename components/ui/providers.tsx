"use client";

import { isServer, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { z } from "zod";
import { ApiError } from "@/components/api/fetch";

// zod compiles validators with `new Function` when it may; the pages' Content-Security-Policy
// allows no eval, so in the browser it validates without compiling (and does not probe for it).
z.config({ jitless: true });

export interface ProvidersProps {
  children: ReactNode;
}

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Pages hand over server-loaded data (HydrationBoundary); do not refetch it the instant it arrives.
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A 4xx will not heal by asking again.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/**
 * A new QueryClient per request during server rendering; one for the browser session, kept outside
 * React so that a render that suspends (a query the page did not prefetch) does not lose it.
 */
function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

export function Providers({ children }: ProvidersProps) {
  return <QueryClientProvider client={getQueryClient()}>{children}</QueryClientProvider>;
}
