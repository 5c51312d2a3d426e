import type { Metadata } from "next";
import { AuthCard } from "@/components/identity/auth-card";
import { NewAccountForm } from "@/components/identity/new-account-form";
import { Notice } from "@/components/ui/notice";

export const metadata: Metadata = { title: "Accept an invite" };

/** An invited person creates their account from the link an administrator sent them. */
export default async function InvitePage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token: raw } = await searchParams;
  const token = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!token) {
    return (
      <AuthCard title="Accept an invite">
        <Notice tone="warning" title="This link has no invite in it">
          <p>Open the whole link your administrator sent you (it ends in “?token=…”), or ask them for a new one.</p>
        </Notice>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Join the workbench" intro="You have been invited. Choose how you sign in; your administrator chose your role.">
      <NewAccountForm kind="invite" token={token} />
    </AuthCard>
  );
}
