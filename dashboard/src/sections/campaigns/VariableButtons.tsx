// Buttons that put a {{variable}} where the cursor is in a message's text: the contact's
// details, then the company's custom fields as fields.<key>, so nobody has to remember a
// field's key or type the braces (a CSV upload's columns are mapped to these fields).
import { Button, Group } from "@mantine/core";
import type { RefObject } from "react";
import { useTranslation } from "react-i18next";
import { useCustomFields } from "../contacts/queries";

/** The contact's own details every message can carry. */
export const CONTACT_VARIABLES = ["first_name", "name", "phone", "email"];

/** ``text`` with ``{{variable}}`` in place of the area's selection (at its end when the
 *  area is not there). */
export function withVariable(text: string, variable: string, area: HTMLTextAreaElement | null): string {
  const token = `{{${variable}}}`;
  const at = area?.selectionStart ?? text.length;
  const end = area?.selectionEnd ?? at;
  return text.slice(0, at) + token + text.slice(end);
}

interface VariableButtonsProps {
  text: string;
  area: RefObject<HTMLTextAreaElement | null>;
  onChange: (text: string) => void;
  /** Tells this row from another editor's on the same page (an A/B variant's). */
  labelSuffix?: string;
}

export function VariableButtons({ text, area, onChange, labelSuffix = "" }: VariableButtonsProps) {
  const { t } = useTranslation();
  const fields = useCustomFields();
  const variables = [
    ...CONTACT_VARIABLES.map((variable) => ({ variable, title: undefined as string | undefined })),
    ...(fields.data ?? []).map((field) => ({ variable: `fields.${field.key}`, title: field.label })),
  ];
  return (
    <Group gap={6} role="group" aria-label={t("campaigns.variables.insert") + labelSuffix}>
      {variables.map(({ variable, title }) => (
        <Button
          key={variable}
          size="compact-xs"
          variant="default"
          title={title}
          onClick={() => {
            onChange(withVariable(text, variable, area.current));
            area.current?.focus();
          }}
          aria-label={t("campaigns.variables.insertVariable", { variable: `{{${variable}}}` })}
        >
          {`{{${variable}}}`}
        </Button>
      ))}
    </Group>
  );
}
