"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Endpoint, EndpointKeySlot, RotatedKey } from "@/components/api/types";
import { useCan } from "@/components/identity/viewer-context";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatDate } from "@/components/ui/format";
import { TableHead } from "@/components/ui/table-head";
import { SecretKeysPanel } from "./endpoint-secret-keys";
import { rememberEndpointKey } from "./endpoint-session-key";
import { invalidateEndpoints, rotateEndpointKey } from "./queries";

export interface EndpointKeysTableProps {
  endpoint: Endpoint;
  /** Called with the new primary key, which this tab keeps for the test console. */
  onPrimaryRotated: (key: string) => void;
}

const KEY_COLUMNS = ["Slot", "Key starts with", "Created"] as const;

/** The two key slots with their prefixes; each can be rotated, after a confirmation, and its new key is shown once. */
export function EndpointKeysTable({ endpoint, onPrimaryRotated }: EndpointKeysTableProps) {
  const qc = useQueryClient();
  const canRotate = useCan("editor");
  const [confirming, setConfirming] = useState<EndpointKeySlot | null>(null);
  const [rotated, setRotated] = useState<RotatedKey | null>(null);
  const rotate = useMutation({
    mutationFn: (slot: EndpointKeySlot) => rotateEndpointKey(endpoint.name, slot),
    onSuccess: (key) => {
      setConfirming(null);
      setRotated(key);
      if (key.slot === "primary") {
        rememberEndpointKey(endpoint.name, key.key);
        onPrimaryRotated(key.key);
      }
      return invalidateEndpoints(qc);
    },
  });
  return (
    <div className="space-y-3">
      <table className="w-full text-sm">
        <caption className="sr-only">Keys of {endpoint.name}</caption>
        <TableHead
          columns={KEY_COLUMNS}
          cellClass="py-1.5 pr-3"
          trailing={
            canRotate && (
              <th scope="col" className="py-1.5 text-right font-medium">
                <span className="sr-only">Actions</span>
              </th>
            )
          }
        />
        <tbody className="divide-y divide-slate-100">
          {endpoint.keys.map((k) => (
            <tr key={k.slot}>
              <th scope="row" className="py-2 pr-3 text-left font-medium capitalize">
                {k.slot}
              </th>
              <td className="py-2 pr-3 font-mono text-xs">{k.prefix}…</td>
              <td className="py-2 pr-3 text-xs whitespace-nowrap text-slate-600">{formatDate(k.createdAt)}</td>
              {canRotate && (
                <td className="py-2 text-right">
                  {confirming === k.slot ? (
                    <span className="inline-flex gap-1">
                      <Button
                        variant="danger"
                        size="sm"
                        disabled={rotate.isPending}
                        onClick={() => rotate.mutate(k.slot)}
                        aria-label={`Confirm rotating the ${k.slot} key`}
                      >
                        {rotate.isPending ? "Rotating…" : "Rotate now"}
                      </Button>
                      <Button variant="ghost" size="sm" onClick={() => setConfirming(null)}>
                        Cancel
                      </Button>
                    </span>
                  ) : (
                    <Button variant="secondary" size="sm" onClick={() => setConfirming(k.slot)} aria-label={`Rotate ${k.slot} key`}>
                      Rotate
                    </Button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {confirming && (
        <p role="status" className="text-xs text-amber-800">
          The current {confirming} key stops working the moment it is rotated; clients on the other key keep working.
        </p>
      )}
      <ErrorNotice error={rotate.error} />
      {rotated && (
        <SecretKeysPanel
          keys={[{ slot: rotated.slot, key: rotated.key }]}
          note={rotated.slot === "primary" ? "It replaces the primary key in this tab's test console." : undefined}
          onDismiss={() => setRotated(null)}
        />
      )}
    </div>
  );
}
