// The values a preview fills a message with: one real contact's (the first picked, or the
// first of the company's contacts), else the sample ones; and a message as that contact
// would read it.
import type { Contact } from "../../../api/contacts";
import type { PhoneButton } from "../../templates/PhoneFrame";
import { SAMPLE, renderPreview } from "../preview";
import type { MessageDraft } from "./draft";

export interface SampleContact {
  /** Whose values these are; null: the sample values. */
  name: string | null;
  values: Record<string, string>;
}

export const SAMPLE_CONTACT: SampleContact = { name: null, values: SAMPLE };

/** A contact's values by variable name, as the service reads them: ``first_name`` is the
 *  first word of the name, custom fields are ``fields.<key>``. */
export function sampleOf(contact: Contact | null | undefined): SampleContact {
  if (!contact) return SAMPLE_CONTACT;
  const values: Record<string, string> = {};
  if (contact.name) {
    values.name = contact.name;
    values.first_name = contact.name.trim().split(/\s+/)[0] ?? contact.name;
  }
  if (contact.phone) values.phone = contact.phone;
  if (contact.email) values.email = contact.email;
  for (const [key, value] of Object.entries(contact.fields ?? {})) {
    if (value !== null && value !== undefined && value !== "") values[`fields.${key}`] = String(value);
  }
  return { name: contact.name || contact.phone || null, values };
}

export interface RenderedMessage {
  header: string | null;
  body: string;
  footer: string | null;
  buttons: PhoneButton[];
}

/** A template's placeholders replaced by what their mapping gives for the contact. */
function fillPlaceholders(text: string, mapping: Record<string, string>, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, placeholder: string) => {
    const source = mapping[placeholder]?.trim();
    return source ? renderPreview(`{{${source}}}`, values) : whole;
  });
}

export function renderMessage(message: MessageDraft, sample: SampleContact): RenderedMessage {
  if (message.type === "library") {
    const library = message.library;
    if (!library) return { header: null, body: "", footer: null, buttons: [] };
    // A Meta import keeps Meta's {{1}}…, filled through its mappings; ours has named variables.
    const render = (text: string, part: string) =>
      library.origin === "meta"
        ? fillPlaceholders(text, library.mappings?.[part] ?? {}, sample.values)
        : renderPreview(text, sample.values);
    return {
      header: library.header_text ? render(library.header_text, "header") : null,
      body: render(library.body, "body"),
      footer: library.footer,
      buttons: (library.buttons ?? [])
        .filter((button) => button.text)
        .map((button) => ({
          type: (["quick_reply", "url", "phone"].includes(String(button.type)) ? button.type : "quick_reply") as PhoneButton["type"],
          text: String(button.text),
        })),
    };
  }
  if (message.type === "text" || !message.template) {
    return { header: null, body: renderPreview(message.body, sample.values), footer: null, buttons: [] };
  }
  const { template } = message;
  return {
    header: template.header ? fillPlaceholders(template.header, message.headerMapping, sample.values) : null,
    body: fillPlaceholders(template.body, message.bodyMapping, sample.values),
    footer: template.footer,
    buttons: [],
  };
}
