// The contacts section's server state: query keys shared by the list and the detail.
export const contactKeys = {
  all: ["contacts"] as const,
  list: (q: string, cursor: string | null) => ["contacts", "list", q, cursor] as const,
  detail: (contactId: string) => ["contacts", "detail", contactId] as const,
  conversations: (contactId: string) => ["contacts", "conversations", contactId] as const,
};

export const PAGE_SIZE = 25;

/** Who a contact is, for headings and rows: the name, else the phone, else the user id. */
export function contactLabel(contact: {
  name: string | null;
  phone: string | null;
  user_id: string | null;
}): string | null {
  return contact.name || contact.phone || contact.user_id;
}
