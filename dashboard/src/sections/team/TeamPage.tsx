// The team section: an empty state until its issue brings the real page.
import { IconUsers } from "@tabler/icons-react";
import { EmptyState } from "../EmptyState";

export default function TeamPage() {
  return <EmptyState icon={IconUsers} section="team" />;
}
