// The input for one custom field, chosen by its kind (text, number, date, yes/no, single
// and multi select, phone, email, URL); errors come from the caller (the crm names the field).
import { Checkbox, MultiSelect, NumberInput, Select, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { CustomField, FieldValue } from "../crm";

interface Props {
  field: CustomField;
  value: FieldValue | undefined;
  onChange: (value: FieldValue) => void;
  error?: string | null;
  disabled?: boolean;
}

export function FieldInput({ field, value, onChange, error, disabled }: Props) {
  const { t } = useTranslation();
  const common = { label: field.label, error: error ?? undefined, disabled };
  const text = typeof value === "string" ? value : value === null || value === undefined ? "" : String(value);
  switch (field.kind) {
    case "number":
      return (
        <NumberInput
          {...common}
          value={typeof value === "number" ? value : text}
          onChange={(next) => onChange(next === "" ? null : typeof next === "number" ? next : Number(next))}
        />
      );
    case "boolean":
      return (
        <Checkbox
          label={field.label}
          error={error ?? undefined}
          disabled={disabled}
          checked={value === true}
          onChange={(event) => onChange(event.currentTarget.checked)}
        />
      );
    case "select":
      return (
        <Select
          {...common}
          placeholder={t("contacts.fields.choose")}
          data={field.options ?? []}
          value={typeof value === "string" ? value : null}
          onChange={(next) => onChange(next)}
          clearable
        />
      );
    case "multi_select":
      return (
        <MultiSelect
          {...common}
          placeholder={t("contacts.fields.choose")}
          data={field.options ?? []}
          value={Array.isArray(value) ? value : []}
          onChange={(next) => onChange(next)}
          clearable
        />
      );
    default: {
      const type = { date: "date", phone: "tel", email: "email", url: "url", text: "text" }[field.kind];
      return (
        <TextInput
          {...common}
          type={type}
          value={text}
          onChange={(event) => onChange(event.currentTarget.value === "" ? null : event.currentTarget.value)}
        />
      );
    }
  }
}

/** A field's value in words, for a table cell. */
export function fieldText(value: FieldValue | undefined, yes: string, no: string): string {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.join(", ") || "—";
  if (typeof value === "boolean") return value ? yes : no;
  return String(value);
}
