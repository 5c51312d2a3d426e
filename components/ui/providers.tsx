"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { z } from "zod";
import { ApiError } from "@/components/api/queries";

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
        // Pages hand over server-loaded data; do not refetch it the instant it arrives.
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A 4xx will not heal by asking again.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}

/** One QueryClient per browser session (per request during server rendering). */
export function Providers({ children }: ProvidersProps) {
  const [client] = useState(makeQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
