import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ApiTokens } from "@/components/identity/api-tokens";
import { ChangePasswordForm } from "@/components/identity/change-password-form";
import { RoleBadge } from "@/components/identity/role-badge";
import { PageHeader } from "@/components/ui/page-header";
import { cardClass, sectionTitleClass } from "@/components/ui/styles";
import { ROLE_LABEL } from "@/lib/identity/roles";
import { pageViewer } from "@/lib/identity/server/principal";

export const metadata: Metadata = { title: "Account" };

/** Who the signed-in person is, their password, and their personal API tokens. */
export default async function AccountPage() {
  const viewer = await pageViewer();
  // The proxy sends signed-out visitors to sign in first; this covers a session that ended in between.
  if (!viewer) redirect("/sign-in?next=/account");
  return (
    <div className="space-y-8">
      <PageHeader title="Your account" intro="Your sign-in, and the tokens scripts use to call the API as you." />
      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="who-heading" className={`${cardClass} p-5`}>
          <h2 id="who-heading" className={`${sectionTitleClass} mb-3`}>
            Signed in as
          </h2>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-slate-500">Name</dt>
            <dd className="font-medium" data-testid="account-name">
              {viewer.name || "–"}
            </dd>
            <dt className="text-slate-500">Email</dt>
            <dd data-testid="account-email">{viewer.email}</dd>
            <dt className="text-slate-500">Role</dt>
            <dd>
              <RoleBadge role={viewer.role} />
              <p className="mt-1 text-xs text-slate-500">{ROLE_LABEL[viewer.role].split(" — ")[1]}</p>
            </dd>
          </dl>
        </section>
        <section aria-labelledby="password-heading" className={`${cardClass} p-5`}>
          <h2 id="password-heading" className={`${sectionTitleClass} mb-3`}>
            Change password
          </h2>
          <ChangePasswordForm />
        </section>
      </div>
      <ApiTokens />
    </div>
  );
}
