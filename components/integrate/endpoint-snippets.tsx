"use client";

import { useState } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { KEY_ENV_VAR, type SnippetLanguage, snippet } from "./endpoint-request";
import { Tabs } from "./endpoint-tabs";

export interface EndpointSnippetsProps {
  /** The absolute scoring URL. */
  url: string;
  /** The console's body, as text. */
  body: string;
}

const LANGUAGES = [
  { key: "curl", label: "curl" },
  { key: "javascript", label: "JavaScript (fetch)" },
  { key: "python", label: "Python (requests)" },
] as const satisfies readonly { key: SnippetLanguage; label: string }[];

/** The console's request as code to copy, in three languages, reading the key from an environment variable. */
export function EndpointSnippets({ url, body }: EndpointSnippetsProps) {
  const [language, setLanguage] = useState<SnippetLanguage>("curl");
  const code = snippet(language, url, body);
  const label = LANGUAGES.find((l) => l.key === language)!.label;
  return (
    <section aria-label="Snippets" className="space-y-2">
      <h3 className="text-sm font-semibold text-slate-900">Call it from your code</h3>
      <p className="text-xs text-slate-500">
        Set <code className="font-mono">{KEY_ENV_VAR}</code> to one of the endpoint&apos;s keys first; the body is the console&apos;s.
      </p>
      <Tabs
        label="Snippet language"
        tabs={LANGUAGES}
        active={language}
        onChange={setLanguage}
        aside={<CopyButton text={code} label={`Copy ${label} snippet`} />}
      >
        <pre aria-label={`${label} snippet`} className="max-h-96 overflow-auto rounded-md bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">
          <code>{code}</code>
        </pre>
      </Tabs>
    </section>
  );
}
