import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/identity/auth-card";
import { safeNext } from "@/components/identity/safe-next";
import { SignInForm } from "@/components/identity/sign-in-form";
import { Notice } from "@/components/ui/notice";
import { pageViewer } from "@/lib/identity/server/principal";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next: raw } = await searchParams;
  const next = safeNext(Array.isArray(raw) ? raw[0] : raw);
  const viewer = await pageViewer();
  return (
    <AuthCard title="Sign in" intro="With the email and password of your workbench account.">
      {viewer && (
        // Not redirected: were the proxy and the session to disagree, a redirect could loop.
        <Notice className="mb-5">
          You are signed in as {viewer.email}.{" "}
          <Link href={next} className="font-medium text-indigo-700 hover:underline">
            Continue
          </Link>
        </Notice>
      )}
      <SignInForm next={next} />
      <p className="mt-5 text-xs text-slate-500">No account yet? An administrator invites people from Admin → People and sends them a link.</p>
    </AuthCard>
  );
}
