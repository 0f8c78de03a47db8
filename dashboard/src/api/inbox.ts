// The typed client for the inbox (/api/v1/inbox/...): the crm's API, which the gateway
// forwards as it is. Same session handling as the gateway client.
import createClient from "openapi-fetch";
import { sendWithSession } from "./client";
import type { components, paths } from "./crm";

export type CrmSchemas = components["schemas"];
export type Conversation = CrmSchemas["ConversationOut"];
export type Message = CrmSchemas["MessageOut"];
export type ConversationPage = CrmSchemas["Page_ConversationOut_"];
export type MessagePage = CrmSchemas["Page_MessageOut_"];

export const inboxApi = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: sendWithSession,
});
