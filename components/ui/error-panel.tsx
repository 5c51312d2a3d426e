"use client";

import { Button } from "./button";

export interface ErrorPanelProps {
  error: Error & { digest?: string };
  reset: () => void;
}

/** What a route's error boundary shows: the failure in words and a way to try again. */
export function ErrorPanel({ error, reset }: ErrorPanelProps) {
  return (
    <div role="alert" className="mx-auto max-w-lg rounded-xl border border-red-200 bg-white p-8 text-center shadow-xs">
      <h2 className="text-lg font-semibold text-red-800">This page could not be shown</h2>
      <p className="mt-2 text-sm text-slate-600">{error.digest ? `The server logged the error (reference ${error.digest}).` : error.message}</p>
      <Button variant="secondary" className="mt-5" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
