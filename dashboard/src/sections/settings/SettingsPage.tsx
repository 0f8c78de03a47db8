// The settings section: an empty state until its issue brings the real page.
import { IconSettings } from "@tabler/icons-react";
import { EmptyState } from "../EmptyState";

export default function SettingsPage() {
  return <EmptyState icon={IconSettings} section="settings" />;
}
