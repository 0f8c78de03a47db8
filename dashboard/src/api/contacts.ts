// The typed client for contacts (/api/v1/contacts/...): the crm's API, which the gateway
// forwards as it is. Same session handling as the gateway client.
import createClient from "openapi-fetch";
import { throwApiError as fail, sendWithSession } from "./client";
import type { components, paths } from "./crm";

type Schemas = components["schemas"];
export type Contact = Schemas["ContactOut"];
export type ContactDetail = Schemas["ContactDetail"];
export type ContactConversation = Schemas["ContactConversation"];
export type ContactPage = Schemas["Page_ContactOut_"];
export type ContactUpdate = Schemas["ContactUpdate"];

export const contactsApi = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: sendWithSession,
});

/** A failed call; the same class as every API client's (``instanceof`` works across them). */
export { ApiError as ContactsError, type FieldProblem } from "./client";

export async function listContacts(params: {
  q: string;
  cursor: string | null;
  limit: number;
}): Promise<ContactPage> {
  const { data, error, response } = await contactsApi.GET("/api/v1/contacts", {
    params: {
      query: { limit: params.limit, cursor: params.cursor ?? undefined, q: params.q || undefined },
    },
  });
  if (!data) fail(response, error);
  return data;
}

export async function getContact(contactId: string): Promise<ContactDetail> {
  const { data, error, response } = await contactsApi.GET("/api/v1/contacts/{contact_id}", {
    params: { path: { contact_id: contactId } },
  });
  if (!data) fail(response, error);
  return data;
}

export async function updateContact(contactId: string, changes: ContactUpdate): Promise<Contact> {
  const { data, error, response } = await contactsApi.PATCH("/api/v1/contacts/{contact_id}", {
    params: { path: { contact_id: contactId } },
    body: changes,
  });
  if (!data) fail(response, error);
  return data;
}

export type ContactConversationPage = components["schemas"]["Page_ConversationOut_"];

/** The contact's conversations as the inbox lists them (with the last message), latest first. */
export async function listContactConversations(
  contactId: string,
  cursor: string | null,
): Promise<ContactConversationPage> {
  const { data, error, response } = await contactsApi.GET("/api/v1/inbox/conversations", {
    params: { query: { contact_id: contactId, limit: 20, cursor: cursor ?? undefined } },
  });
  if (!data) fail(response, error);
  return data;
}
