"use client";

import { useId } from "react";
import type { AlertRule, WebhookDelivery } from "@/components/monitor/queries";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { formatDate, formatStat, plural } from "@/components/ui/format";
import { controlClass } from "@/components/ui/styles";

export interface WebhookSecretPanelProps {
  secret: string;
  onDismiss: () => void;
}

/** A new rule's signing secret, shown this once with a copy button. */
export function WebhookSecretPanel({ secret, onDismiss }: WebhookSecretPanelProps) {
  const titleId = useId();
  const inputId = useId();
  return (
    <section aria-labelledby={titleId} className="rounded-xl border-2 border-amber-300 bg-amber-50 p-4">
      <h4 id={titleId} className="font-semibold text-amber-950">
        Webhook signing secret — shown only once
      </h4>
      <p className="mt-1 text-sm text-amber-900">
        Copy it now and give it to your receiver: the workbench will not show it again. Each delivery carries{" "}
        <code className="font-mono text-xs">webhook-id</code>, <code className="font-mono text-xs">webhook-timestamp</code> and{" "}
        <code className="font-mono text-xs">webhook-signature</code> headers (Standard Webhooks: an HMAC-SHA256 of id, timestamp and body with this secret),
        which any Standard Webhooks library checks.
      </p>
      <label htmlFor={inputId} className="mt-3 block text-sm font-medium text-amber-950">
        Signing secret
      </label>
      <div className="mt-1 flex items-center gap-2">
        <input
          id={inputId}
          readOnly
          value={secret}
          onFocus={(e) => e.target.select()}
          className={`${controlClass} min-w-0 flex-1 font-mono text-xs`}
          spellCheck={false}
        />
        <CopyButton text={secret} label="Copy the signing secret" />
      </div>
      <Button variant="secondary" size="sm" className="mt-3" onClick={onDismiss}>
        I have saved it
      </Button>
    </section>
  );
}

function DeliveryBadge({ d }: { d: WebhookDelivery }) {
  return d.ok ? (
    <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-medium text-emerald-800">delivered</span>
  ) : (
    <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800">failed</span>
  );
}

/** "HTTP 204 · 3 attempts", or the error when no answer came. */
const outcome = (d: WebhookDelivery) => `${d.status === null ? "no answer" : `HTTP ${d.status}`} · ${plural(d.attempts, "attempt")}`;

export interface WebhookDeliveryLogProps {
  rule: Pick<AlertRule, "hasWebhookSecret" | "deliveries">;
  /** How the rule is named to screen readers ("Error rate"). */
  label: string;
}

/** A rule's latest webhook deliveries: the last one at a glance, the rest on demand. */
export function WebhookDeliveryLog({ rule, label }: WebhookDeliveryLogProps) {
  const unsigned = !rule.hasWebhookSecret && <p className="text-xs text-amber-700">Unsigned: this rule was made before deliveries were signed.</p>;
  const [last] = rule.deliveries;
  if (!last) {
    return (
      <>
        <p className="text-xs text-slate-500">No deliveries yet.</p>
        {unsigned}
      </>
    );
  }
  return (
    <>
      <details className="text-xs">
        <summary className="cursor-pointer text-slate-600">
          <span className="sr-only">Webhook deliveries of the {label} rule; last: </span>
          <DeliveryBadge d={last} /> {outcome(last)}, {formatDate(last.at)}
        </summary>
        <ul aria-label={`Webhook deliveries of the ${label} rule`} className="mt-1 space-y-1 border-l border-slate-200 pl-2">
          {rule.deliveries.map((d) => (
            <li key={d.id} className="flex flex-wrap items-baseline gap-x-2">
              <DeliveryBadge d={d} />
              <span className="text-slate-700">{d.event === "alert.resolved" ? "resolved" : "firing"}</span>
              <span className="tabular-nums text-slate-600">{outcome(d)}</span>
              <span className="text-slate-500">
                {formatDate(d.at)}
                {d.durationMs !== null && <> in {formatStat(d.durationMs)} ms</>}
              </span>
              {d.error && !d.ok && (
                <span className="w-full truncate text-red-700" title={d.error}>
                  {d.error}
                </span>
              )}
            </li>
          ))}
        </ul>
      </details>
      {unsigned}
    </>
  );
}
