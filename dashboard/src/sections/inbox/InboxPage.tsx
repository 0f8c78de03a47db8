// The inbox section: an empty state until its issue brings the real page.
import { IconInbox } from "@tabler/icons-react";
import { EmptyState } from "../EmptyState";

export default function InboxPage() {
  return <EmptyState icon={IconInbox} section="inbox" actionTo="/connections" />;
}
