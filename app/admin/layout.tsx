import type { ReactNode } from "react";
import { AdminTabs } from "@/components/admin-tabs";

/** Administration: people and invites, workspace settings, the audit log (the proxy lets only administrators in). */
export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Administration</h1>
        <p className="mt-1 text-sm text-slate-600">Who may use the workbench and with which role, its workspace settings, and a record of what was done.</p>
      </div>
      <AdminTabs />
      <div>{children}</div>
    </div>
  );
}
