"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiError } from "./queries";

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
