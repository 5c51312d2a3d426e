import type { ReactNode } from "react";
import { AdminTabs } from "@/components/identity/admin-tabs";
import { PageHeader } from "@/components/ui/page-header";

/** Administration: people and invites, workspace settings, the audit log (the proxy lets only administrators in). */
export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div className="space-y-6">
      <PageHeader title="Administration" intro="Who may use the workbench and with which role, its workspace settings, and a record of what was done." />
      <AdminTabs />
      <div>{children}</div>
    </div>
  );
}
