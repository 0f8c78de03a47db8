// The contacts section: an empty state until its issue brings the real page.
import { IconAddressBook } from "@tabler/icons-react";
import { EmptyState } from "../EmptyState";

export default function ContactsPage() {
  return <EmptyState icon={IconAddressBook} section="contacts" actionTo="/inbox" />;
}
