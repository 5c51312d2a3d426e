"use client";

import { useEffect, useMemo, useState } from "react";

/**
 * The value as it was once it stopped changing for `delayMs`. Compared by JSON, so a new
 * object with the same content does not restart the wait.
 */
export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const json = JSON.stringify(value);
  const [settled, setSettled] = useState(json);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(json), delayMs);
    return () => clearTimeout(timer);
  }, [json, delayMs]);
  return useMemo(() => JSON.parse(settled) as T, [settled]);
}
