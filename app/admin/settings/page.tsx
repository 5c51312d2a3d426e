import type { Metadata } from "next";
import { SettingsForm } from "@/components/identity/settings-form";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return <SettingsForm />;
}
