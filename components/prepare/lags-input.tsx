"use client";

import { useState } from "react";
import { inputClass } from "@/components/ui/styles";

export interface LagsInputProps {
  id: string;
  value: number[];
  onChange: (lags: number[]) => void;
  invalid?: boolean;
}

/** "1, 2, 52" → [1, 2, 52]; entries that are not whole numbers are left out. */
export function LagsInput({ id, value, onChange, invalid }: LagsInputProps) {
  const [text, setText] = useState(value.join(", "));
  return (
    <input
      id={id}
      className={inputClass}
      value={text}
      inputMode="numeric"
      placeholder="1, 2, 3"
      aria-invalid={invalid || undefined}
      onChange={(e) => {
        setText(e.target.value);
        const lags = e.target.value
          .split(/[\s,;]+/)
          .filter(Boolean)
          .map(Number)
          .filter((n) => Number.isInteger(n));
        onChange(lags);
      }}
    />
  );
}
