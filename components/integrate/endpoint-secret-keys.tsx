"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { controlClass } from "@/components/ui/styles";

export interface SecretKeysPanelProps {
  /** The keys to show, by slot ("primary", "secondary"). */
  keys: { slot: string; key: string }[];
  /** A sentence under the title: what the keys are for and where the primary one is kept. */
  note?: string;
  onDismiss: () => void;
}

/** Freshly made keys, shown this once with copy buttons: the server keeps only their hashes. */
export function SecretKeysPanel({ keys, note, onDismiss }: SecretKeysPanelProps) {
  const titleId = useId();
  return (
    <section aria-labelledby={titleId} className="rounded-xl border-2 border-amber-300 bg-amber-50 p-4">
      <h3 id={titleId} className="font-semibold text-amber-950">
        {keys.length === 1 ? "New key" : "Keys"} — shown only once
      </h3>
      <p className="mt-1 text-sm text-amber-900">
        Copy {keys.length === 1 ? "it" : "them"} now and keep {keys.length === 1 ? "it" : "them"} somewhere safe: the workbench stores only a hash and cannot
        show {keys.length === 1 ? "it" : "them"} again. {note}
      </p>
      <ul className="mt-3 space-y-2">
        {keys.map(({ slot, key }) => (
          <SecretKeyRow key={slot} slot={slot} value={key} />
        ))}
      </ul>
      <Button variant="secondary" size="sm" className="mt-3" onClick={onDismiss}>
        I have saved {keys.length === 1 ? "it" : "them"}
      </Button>
    </section>
  );
}

function SecretKeyRow({ slot, value }: { slot: string; value: string }) {
  const id = useId();
  return (
    <li>
      <label htmlFor={id} className="block text-sm font-medium text-amber-950">
        {slot.charAt(0).toUpperCase() + slot.slice(1)} key
      </label>
      <div className="mt-1 flex items-center gap-2">
        <input
          id={id}
          readOnly
          value={value}
          onFocus={(e) => e.target.select()}
          className={`${controlClass} min-w-0 flex-1 font-mono text-xs`}
          spellCheck={false}
        />
        <CopyButton text={value} label={`Copy ${slot} key`} />
      </div>
    </li>
  );
}
