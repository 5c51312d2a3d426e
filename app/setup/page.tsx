import type { Metadata } from "next";
import { AuthCard } from "@/components/identity/auth-card";
import { NewAccountForm } from "@/components/identity/new-account-form";
import { Notice } from "@/components/ui/notice";

export const metadata: Metadata = { title: "Set up" };

/** The first administrator, from the one-time link the server printed at its first start. */
export default async function SetupPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token: raw } = await searchParams;
  const token = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!token) {
    return (
      <AuthCard title="Set up the workbench">
        <Notice tone="warning" title="Open the set-up link the server printed">
          <p>
            The first administrator is created from a one-time link with a token in it, which the server writes to its log when it starts with no one
            registered. Open that link; this address alone has no token.
          </p>
        </Notice>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Set up the workbench" intro="Create the first administrator. Administrators invite everyone else and choose their roles.">
      <NewAccountForm kind="setup" token={token} />
    </AuthCard>
  );
}
