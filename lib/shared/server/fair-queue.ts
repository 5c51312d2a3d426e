import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";

type Tx = Pick<Db, "get">;

/**
 * The id of the queued item to take next, fairly between groups (projects): from the group whose
 * work was taken least recently (never, first), the oldest item of that group — round-robin by
 * group, so one project's queue never holds another's back. `items` is a query of
 * (id, grp, status, created_at, started_at), one row per item of the queue's table; call it in
 * the transaction that claims the item.
 */
export function nextFairId(tx: Tx, items: SQL): string | undefined {
  const row = tx.get<{ id: string } | undefined>(sql`
    WITH items AS (${items}),
      last AS (SELECT grp, max(started_at) AS at FROM items GROUP BY grp)
    SELECT items.id FROM items JOIN last ON last.grp = items.grp
    WHERE items.status = 'queued'
    ORDER BY last.at IS NOT NULL, last.at, items.created_at, items.id
    LIMIT 1`);
  return row?.id;
}
