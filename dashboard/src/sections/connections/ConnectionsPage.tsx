// The connections section: an empty state until its issue brings the real page.
import { IconPlugConnected } from "@tabler/icons-react";
import { EmptyState } from "../EmptyState";

export default function ConnectionsPage() {
  return <EmptyState icon={IconPlugConnected} section="connections" />;
}
