// The typed client for contacts (/api/v1/contacts/...): the crm's API, which the gateway
// forwards as it is. Same session handling as the gateway client.
import createClient from "openapi-fetch";
import { sendWithSession } from "./client";
import type { Problem } from "./client";
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

/** One entry of a 422's ``errors``: where in the request, and what is wrong there. */
export interface FieldProblem {
  loc: (string | number)[];
  msg: string;
  type?: string;
}

/** A failed contacts call, carrying the server's problem document. */
export class ContactsError extends Error {
  constructor(
    readonly status: number,
    readonly problem: (Problem & { errors?: FieldProblem[] }) | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
}

function fail(response: Response, error: unknown): never {
  throw new ContactsError(response.status, (error ?? undefined) as ContactsError["problem"]);
}

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
