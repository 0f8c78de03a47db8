// What the wizard holds while a person types (every step's values in one object, so going
// back and forth keeps them), the checks of each step, the campaign draft it becomes, and
// where a problem the API answers belongs.
import type { TFunction } from "i18next";
import type {
  CampaignCreate,
  CampaignUpdate,
  LaunchRequest,
  LibraryMessage,
  SendWindow,
  Template,
  TemplateMessage,
  TextMessage,
} from "../../../api/campaignsApi";
import type { ChannelTemplate } from "../../../api/channels";
import type { FieldProblem } from "../../../api/client";
import { type CsvAudienceSummary, csvAudienceOf } from "./csvAudienceFilter";
import { zonedTimeToUtc } from "./zoned";

export const BODY_MAX = 4096;
export const CONTACTS_MAX = 10_000;
export const VARIANTS_MIN = 2;
export const VARIANTS_MAX = 5;

export type AudienceKind = "segment" | "contacts" | "csv";
export type MessageKind = "text" | "template" | "library" | "variants";
export type MessageType = Exclude<MessageKind, "variants">;

/** One message: a text, an approved Meta template with what fills its placeholders, or a
 *  template of our library (which the service resolves when the draft is saved). */
export interface MessageDraft {
  type: MessageType;
  body: string;
  template: ChannelTemplate | null;
  library: Template | null;
  /** Placeholder of the template's body ("1", or a NAMED one) → our variable ("first_name|cliente"). */
  bodyMapping: Record<string, string>;
  headerMapping: Record<string, string>;
}

export interface VariantDraft {
  label: string;
  percent: number | string;
  message: MessageDraft;
}

export interface WizardValues {
  name: string;
  accountId: string | null;
  audienceKind: AudienceKind;
  segmentId: string | null;
  contactIds: string[];
  /** The CSV file imported for this campaign: its contacts carry the upload's tag. */
  csv: CsvAudienceSummary | null;
  messageKind: MessageKind;
  message: MessageDraft;
  variants: VariantDraft[];
  when: "now" | "later";
  /** A datetime-local value, read in the company's time zone. */
  localTime: string;
  windowOn: boolean;
  /** ISO weekdays as strings ("1" Monday … "7" Sunday), as checkbox groups hold them. */
  windowDays: string[];
  windowStart: string;
  windowEnd: string;
  windowTimeZone: string;
  windowPerContact: boolean;
  rate: number | string;
  inFlight: number | string;
  frequencyCap: number | string;
}

export const emptyMessage = (): MessageDraft => ({
  type: "text",
  body: "",
  template: null,
  library: null,
  bodyMapping: {},
  headerMapping: {},
});

export function initialValues(timeZone: string): WizardValues {
  return {
    name: "",
    accountId: null,
    audienceKind: "segment",
    segmentId: null,
    contactIds: [],
    csv: null,
    messageKind: "text",
    message: emptyMessage(),
    variants: [
      { label: "A", percent: 50, message: emptyMessage() },
      { label: "B", percent: 50, message: emptyMessage() },
    ],
    when: "now",
    localTime: "",
    windowOn: false,
    windowDays: ["1", "2", "3", "4", "5"],
    windowStart: "09:00",
    windowEnd: "18:00",
    windowTimeZone: timeZone,
    windowPerContact: false,
    rate: "",
    inFlight: 50,
    frequencyCap: "",
  };
}

export const STEPS = ["audience", "message", "schedule", "review"] as const;
export type Step = (typeof STEPS)[number];
type Errors = Record<string, string>;

/** The placeholders of a Meta template's text, in order, once each: "1", "2"… or NAMED ones. */
export function placeholdersOf(text: string | null | undefined): string[] {
  const found: string[] = [];
  for (const match of (text ?? "").matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    const name = match[1]!;
    if (!found.includes(name)) found.push(name);
  }
  return found;
}

function checkMessage(message: MessageDraft, path: string, t: TFunction, errors: Errors) {
  if (message.type === "text") {
    if (!message.body.trim()) errors[`${path}.body`] = t("campaigns.form.bodyRequired");
    else if (message.body.length > BODY_MAX) errors[`${path}.body`] = t("campaigns.form.bodyTooLong", { max: BODY_MAX });
    return;
  }
  if (message.type === "library") {
    if (!message.library) errors[`${path}.library`] = t("campaigns.wizard.message.libraryRequired");
    return;
  }
  if (!message.template) {
    errors[`${path}.template`] = t("campaigns.wizard.message.templateRequired");
    return;
  }
  for (const placeholder of placeholdersOf(message.template.body)) {
    if (!message.bodyMapping[placeholder]?.trim())
      errors[`${path}.bodyMapping.${placeholder}`] = t("campaigns.wizard.message.mappingRequired", { placeholder: `{{${placeholder}}}` });
  }
  for (const placeholder of placeholdersOf(message.template.header)) {
    if (!message.headerMapping[placeholder]?.trim())
      errors[`${path}.headerMapping.${placeholder}`] = t("campaigns.wizard.message.mappingRequired", { placeholder: `{{${placeholder}}}` });
  }
}

export const percentSum = (variants: VariantDraft[]) =>
  variants.reduce((sum, variant) => sum + (Number(variant.percent) || 0), 0);

function integerIn(value: number | string, min: number, max: number): boolean {
  const number = Number(value);
  return value !== "" && Number.isInteger(number) && number >= min && number <= max;
}

/** The problems of one step, by form path (empty: the step may be left). */
export function validateStep(
  step: Step,
  values: WizardValues,
  t: TFunction,
  { companyZone, now = Date.now() }: { companyZone: string; now?: number },
): Errors {
  const errors: Errors = {};
  if (step === "audience") {
    if (!values.name.trim()) errors.name = t("campaigns.form.nameRequired");
    if (!values.accountId) errors.accountId = t("campaigns.form.accountRequired");
    if (values.audienceKind === "segment" && !values.segmentId) errors.segmentId = t("campaigns.wizard.audience.required");
    if (values.audienceKind === "contacts") {
      if (values.contactIds.length === 0) errors.contactIds = t("campaigns.wizard.audience.noContactsPicked");
      else if (values.contactIds.length > CONTACTS_MAX)
        errors.contactIds = t("campaigns.wizard.audience.tooMany", { max: CONTACTS_MAX });
    }
    if (values.audienceKind === "csv" && !values.csv) errors.csv = t("campaignCsv.required");
  } else if (step === "message") {
    if (values.messageKind !== "variants") {
      checkMessage({ ...values.message, type: values.messageKind }, "message", t, errors);
    } else {
      const labels = values.variants.map((variant) => variant.label.trim());
      values.variants.forEach((variant, index) => {
        const label = labels[index];
        if (!label) errors[`variants.${index}.label`] = t("campaigns.wizard.message.labelRequired");
        else if (labels.indexOf(label) !== index) errors[`variants.${index}.label`] = t("campaigns.wizard.message.labelTaken");
        if (!integerIn(variant.percent, 1, 99)) errors[`variants.${index}.percent`] = t("campaigns.wizard.message.percentInvalid");
        checkMessage(variant.message, `variants.${index}.message`, t, errors);
      });
      const sum = percentSum(values.variants);
      if (sum !== 100) errors.variants = t("campaigns.wizard.message.percentSum", { sum });
    }
  } else if (step === "schedule") {
    if (values.when === "later") {
      if (!values.localTime) errors.localTime = t("campaigns.wizard.schedule.localTimeRequired");
      else {
        const at = zonedTimeToUtc(values.localTime, companyZone);
        if (Number.isNaN(at) || at <= now) errors.localTime = t("campaigns.wizard.schedule.localTimePast");
      }
    }
    if (values.windowOn) {
      if (values.windowDays.length === 0) errors.windowDays = t("campaigns.wizard.schedule.daysRequired");
      if (!values.windowStart) errors.windowStart = t("campaigns.wizard.schedule.timeRequired");
      if (!values.windowEnd) errors.windowEnd = t("campaigns.wizard.schedule.timeRequired");
      else if (values.windowStart === values.windowEnd) errors.windowEnd = t("campaigns.wizard.schedule.sameTimes");
    }
    if (values.rate !== "") {
      const rate = Number(values.rate);
      if (!(rate > 0 && rate <= 1000)) errors.rate = t("campaigns.wizard.schedule.rateInvalid");
    }
    if (!integerIn(values.inFlight, 1, 1000)) errors.inFlight = t("campaigns.wizard.schedule.inFlightInvalid");
    if (values.frequencyCap !== "" && !integerIn(values.frequencyCap, 1, 720))
      errors.frequencyCap = t("campaigns.wizard.schedule.frequencyCapInvalid");
  }
  return errors;
}

function messageSpec(message: MessageDraft): TextMessage | TemplateMessage | LibraryMessage {
  if (message.type === "library" && message.library) return { type: "library", template_id: message.library.id };
  if (message.type !== "template" || !message.template) return { type: "text", body: message.body };
  const { template } = message;
  const pick = (mapping: Record<string, string>, text: string | null) => {
    const placeholders = placeholdersOf(text);
    if (placeholders.length === 0) return null;
    return Object.fromEntries(placeholders.map((placeholder) => [placeholder, (mapping[placeholder] ?? "").trim()]));
  };
  const category = template.category.toLowerCase();
  return {
    type: "template",
    name: template.name,
    language: template.language,
    category: (["marketing", "utility", "authentication"].includes(category) ? category : "marketing") as TemplateMessage["category"],
    body: template.body,
    body_mapping: pick(message.bodyMapping, template.body),
    button_index: 0,
    ...(template.header ? { header_text: template.header, header_mapping: pick(message.headerMapping, template.header) } : {}),
  };
}

function sendWindow(values: WizardValues): SendWindow | null {
  if (!values.windowOn) return null;
  return {
    days: values.windowDays.map(Number).sort(),
    start: values.windowStart,
    end: values.windowEnd,
    time_zone: values.windowTimeZone,
    per_contact: values.windowPerContact,
  };
}

type DraftChanges = Omit<CampaignUpdate, "name" | "audience" | "in_flight_limit"> & {
  name: string;
  audience: CampaignCreate["audience"];
  in_flight_limit: number;
};

/** Everything a draft holds but its number, as a PATCH replaces it (null clears). */
export function draftChanges(values: WizardValues): DraftChanges {
  const variants = values.messageKind === "variants";
  return {
    name: values.name.trim(),
    audience:
      values.audienceKind === "segment"
        ? { kind: "segment", segment_id: values.segmentId! }
        : values.audienceKind === "csv"
          ? csvAudienceOf(values.csv!.tagId)
          : { kind: "contacts", contact_ids: values.contactIds },
    message: variants ? null : messageSpec({ ...values.message, type: values.messageKind as MessageType }),
    variants: variants
      ? values.variants.map((variant) => ({
          label: variant.label.trim(),
          percent: Number(variant.percent),
          message: messageSpec(variant.message),
        }))
      : null,
    in_flight_limit: Number(values.inFlight),
    rate_per_second: values.rate === "" ? null : Number(values.rate),
    frequency_cap_hours: values.frequencyCap === "" ? null : Number(values.frequencyCap),
    send_window: sendWindow(values),
  };
}

/** The new draft: its number and channel, and the rest. */
export function draftCreate(values: WizardValues, channel: CampaignCreate["channel"]): CampaignCreate {
  const changes = draftChanges(values);
  const create: CampaignCreate = {
    name: changes.name,
    channel,
    channel_account_id: values.accountId!,
    audience: changes.audience,
    in_flight_limit: changes.in_flight_limit,
  };
  if (changes.message) create.message = changes.message;
  if (changes.variants) create.variants = changes.variants;
  if (changes.rate_per_second != null) create.rate_per_second = changes.rate_per_second;
  if (changes.frequency_cap_hours != null) create.frequency_cap_hours = changes.frequency_cap_hours;
  if (changes.send_window) create.send_window = changes.send_window;
  return create;
}

/** The launch request: now, or the wall-clock time in the company's zone (the service
 *  applies the offset in force on that date, daylight saving included). */
export function launchRequest(values: WizardValues, companyZone: string): LaunchRequest {
  if (values.when === "now" || !values.localTime) return {};
  const localTime = values.localTime.length === 16 ? `${values.localTime}:00` : values.localTime;
  return { local_time: localTime, time_zone: companyZone };
}

// --- where the API's problems go ------------------------------------------------------

const TOP_LEVEL: Record<string, string> = {
  name: "name",
  channel_account_id: "accountId",
  channel: "accountId",
  in_flight_limit: "inFlight",
  rate_per_second: "rate",
  frequency_cap_hours: "frequencyCap",
  local_time: "localTime",
  scheduled_at: "localTime",
  time_zone: "localTime",
};
const WINDOW: Record<string, string> = { days: "windowDays", start: "windowStart", end: "windowEnd", time_zone: "windowTimeZone" };

function messagePath(prefix: string, rest: (string | number)[]): string {
  // rest: the union's tag ("text" / "template" / "library"), then the field.
  if (rest[0] === "template") return `${prefix}.template`;
  if (rest[0] === "library") return `${prefix}.library`;
  return `${prefix}.body`;
}

/** Where a problem with the audience goes: the field of the audience chosen. */
function audiencePath(values: WizardValues): string {
  return values.audienceKind === "segment" ? "segmentId" : values.audienceKind === "csv" ? "csv" : "contactIds";
}

/** The form path a 422 entry names, from its ``loc`` ("body", then the request's fields). */
export function pathOfProblem(loc: FieldProblem["loc"], values: WizardValues): string | null {
  const [where, field, ...rest] = loc;
  if (where !== "body") return null;
  if (field === undefined) return null;
  if (typeof field === "string" && TOP_LEVEL[field]) return TOP_LEVEL[field];
  if (field === "audience") return audiencePath(values);
  if (field === "send_window") {
    const inner = rest[0];
    return typeof inner === "string" && WINDOW[inner] ? WINDOW[inner] : "windowDays";
  }
  if (field === "message") return messagePath("message", rest);
  if (field === "variants") {
    const [index, inner, ...more] = rest;
    if (typeof index !== "number") return "variants";
    if (inner === "label" || inner === "percent") return `variants.${index}.${inner}`;
    if (inner === "message") return messagePath(`variants.${index}.message`, more);
    return "variants";
  }
  return null;
}

/** The step a form path is typed in. */
export function stepOfPath(path: string): Step {
  if (["name", "accountId", "segmentId", "contactIds", "csv"].includes(path)) return "audience";
  if (path.startsWith("message") || path.startsWith("variants")) return "message";
  return "schedule";
}

/** Where a problem without a field (by its code) belongs. */
const LIBRARY_CODES = ["template_not_approved", "template_channel_mismatch", "template_on_another_number", "template_not_found"];

export function pathOfCode(code: string | undefined, values: WizardValues): string | null {
  if (values.messageKind === "variants" && (code === "campaign_message_invalid" || code === "template_invalid" || LIBRARY_CODES.includes(code ?? "")))
    return "variants";
  if (LIBRARY_CODES.includes(code ?? "")) return "message.library";
  if (code === "campaign_message_invalid" || code === "template_invalid")
    return values.messageKind === "template" ? "message.template" : "message.body";
  if (code === "audience_invalid") return audiencePath(values);
  return null;
}
