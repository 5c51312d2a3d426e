import type { Metadata } from "next";
import Link from "next/link";
import { RoleBadge, roleName } from "@/components/identity/role-badge";
import { buttonClass } from "@/components/ui/button";
import { isRole } from "@/lib/identity/roles";
import { pageViewer } from "@/lib/identity/server/principal";

export const metadata: Metadata = { title: "Not allowed" };

/** Where the proxy sends someone whose role is too low for a page (`?need=` names the role it wants). */
export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<{ need?: string | string[] }> }) {
  const { need: raw } = await searchParams;
  const need = Array.isArray(raw) ? raw[0] : raw;
  const viewer = await pageViewer();
  return (
    <div className="mx-auto max-w-md rounded-xl border border-slate-200 bg-white p-8 text-center shadow-xs">
      <p className="text-sm font-semibold text-slate-500">403</p>
      <h1 className="mt-1 text-lg font-semibold">{isRole(need) ? `You need the ${roleName(need)} role` : "Your role does not open this page"}</h1>
      <p className="mt-2 text-sm text-slate-600">
        {viewer ? (
          <>
            You are signed in as {viewer.email} with the <RoleBadge role={viewer.role} /> role.{" "}
          </>
        ) : null}
        An administrator can change your role in Admin → People.
      </p>
      <Link href="/" className={`${buttonClass("secondary")} mt-5`}>
        Back to projects
      </Link>
    </div>
  );
}
