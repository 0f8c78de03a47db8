// The template editor's values, their checks, the request they become, and where a problem
// the API answers belongs in the form.
import type { TFunction } from "i18next";
import type { Template, TemplateButton, TemplateCreate } from "../../api/campaignsApi";
import type { ApiError } from "../../api/client";

export const BODY_MAX = 1600;
export const HEADER_MAX = 60;
export const FOOTER_MAX = 60;
export const BUTTONS_MAX = 10;
export const BUTTON_TEXT_MAX = 25;
const PHONE = /^\+[1-9][0-9]{6,14}$/;

export type ButtonType = TemplateButton["type"];
export const BUTTON_TYPES: ButtonType[] = ["quick_reply", "url", "phone"];
export const CATEGORIES = ["marketing", "utility", "authentication"] as const;

export interface ButtonValues {
  type: ButtonType;
  text: string;
  url: string;
  phone: string;
}

export interface TemplateValues {
  name: string;
  channel: "whatsapp" | "sms";
  language: string;
  category: (typeof CATEGORIES)[number];
  headerText: string;
  body: string;
  footer: string;
  buttons: ButtonValues[];
  /** A Meta import's {{1}}… by part ("header", "body", "button") → the variable filling it. */
  mappings: Record<string, Record<string, string>>;
}

export const NEW_TEMPLATE: TemplateValues = {
  name: "",
  channel: "whatsapp",
  language: "pt_BR",
  category: "marketing",
  headerText: "",
  body: "",
  footer: "",
  buttons: [],
  mappings: {},
};

export const emptyButton = (): ButtonValues => ({ type: "quick_reply", text: "", url: "", phone: "" });

export function valuesOf(template: Template): TemplateValues {
  return {
    name: template.name,
    channel: template.channel === "sms" ? "sms" : "whatsapp",
    language: template.language,
    category: (CATEGORIES as readonly string[]).includes(template.category)
      ? (template.category as TemplateValues["category"])
      : "marketing",
    headerText: template.header_text ?? "",
    body: template.body,
    footer: template.footer ?? "",
    buttons: (template.buttons ?? []).map((button) => ({
      type: (BUTTON_TYPES as string[]).includes(String(button.type)) ? (button.type as ButtonType) : "quick_reply",
      text: String(button.text ?? ""),
      url: String(button.url ?? ""),
      phone: String(button.phone ?? ""),
    })),
    mappings: Object.fromEntries(
      Object.entries(template.mappings ?? {}).map(([part, mapping]) => [part, { ...mapping }]),
    ),
  };
}

/** The placeholders ({{1}}, or Meta's NAMED ones) of each part of a Meta import. */
export function metaPlaceholders(values: TemplateValues): { part: "header" | "body" | "button"; placeholder: string }[] {
  const found: { part: "header" | "body" | "button"; placeholder: string }[] = [];
  const scan = (part: "header" | "body" | "button", text: string) => {
    for (const match of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
      if (!found.some((entry) => entry.part === part && entry.placeholder === match[1])) found.push({ part, placeholder: match[1]! });
    }
  };
  scan("header", values.headerText);
  scan("body", values.body);
  values.buttons.filter((button) => button.type === "url").forEach((button) => scan("button", button.url));
  return found;
}

export function validate(values: TemplateValues, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!values.name.trim()) errors.name = t("templates.editor.nameRequired");
  const language = values.language.trim();
  if (language.length < 2 || language.length > 15) errors.language = t("templates.editor.languageInvalid");
  if (!values.body.trim()) errors.body = t("templates.editor.bodyRequired");
  else if (values.body.length > BODY_MAX) errors.body = t("templates.editor.bodyTooLong", { max: BODY_MAX });
  if (values.channel === "whatsapp") {
    values.buttons.forEach((button, index) => {
      const text = button.text.trim();
      if (!text || text.length > BUTTON_TEXT_MAX) errors[`buttons.${index}.text`] = t("templates.editor.buttonTextRequired");
      if (button.type === "url" && !button.url.trim()) errors[`buttons.${index}.url`] = t("templates.editor.buttonUrlRequired");
      if (button.type === "phone" && !PHONE.test(button.phone.trim()))
        errors[`buttons.${index}.phone`] = t("templates.editor.buttonPhoneInvalid");
    });
  }
  return errors;
}

function buttonsOf(values: TemplateValues): TemplateButton[] {
  return values.buttons.map((button) => ({
    type: button.type,
    text: button.text.trim(),
    ...(button.type === "url" ? { url: button.url.trim() } : {}),
    ...(button.type === "phone" ? { phone: button.phone.trim() } : {}),
  }));
}

/** The request body: an SMS template is a body alone. */
export function requestOf(values: TemplateValues): TemplateCreate {
  const whatsapp = values.channel === "whatsapp";
  return {
    name: values.name.trim(),
    channel: values.channel,
    language: values.language.trim(),
    category: values.category,
    body: values.body,
    header_text: whatsapp && values.headerText.trim() ? values.headerText : null,
    footer: whatsapp && values.footer.trim() ? values.footer : null,
    buttons: whatsapp ? buttonsOf(values) : [],
  };
}

const FIELDS: Record<string, string> = {
  name: "name",
  language: "language",
  category: "category",
  body: "body",
  header_text: "headerText",
  footer: "footer",
  buttons: "buttons",
};

/** Form paths of the problems an API error names: 422 entries by ``loc``, a
 *  ``template_invalid`` by its ``part``, a taken name on the name. */
export function problemPaths(error: ApiError, values: TemplateValues): Record<string, string> {
  const errors: Record<string, string> = {};
  const problem = error.problem as (ApiError["problem"] & { part?: string }) | undefined;
  for (const entry of problem?.errors ?? []) {
    const [where, field, index, inner] = entry.loc;
    if (where !== "body" || typeof field !== "string" || !FIELDS[field]) continue;
    let path = FIELDS[field]!;
    if (field === "buttons" && typeof index === "number")
      path = `buttons.${index}.${typeof inner === "string" && ["text", "url", "phone"].includes(inner) ? inner : "text"}`;
    errors[path] ??= entry.msg.replace(/^Value error, /, "");
  }
  if (Object.keys(errors).length > 0) return errors;
  const detail = problem?.detail ?? error.message;
  if (error.code === "template_name_taken") errors.name = detail;
  else if (error.code === "template_invalid") {
    if (problem?.part === "header") errors.headerText = detail;
    else if (problem?.part === "button") {
      const index = values.buttons.findIndex((button) => button.type === "url");
      errors[index >= 0 ? `buttons.${index}.url` : "body"] = detail;
    } else errors.body = detail;
  }
  return errors;
}
