// The editor's live preview on a phone: what is typed, filled with sample values (the SMS
// segment count beside it); and, for a saved template, what one real contact would receive,
// rendered by the service (which names the variable a contact has no value for).
import { Alert, Select, Stack, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type Template, previewTemplate } from "../../api/campaignsApi";
import { listContacts } from "../../api/contacts";
import { renderPreview } from "../campaigns/preview";
import { PhoneFrame } from "./PhoneFrame";
import { templateLibraryKeys } from "./queries";
import { smsSegments } from "./sms";
import type { TemplateValues } from "./template";

interface TemplatePreviewProps {
  values: TemplateValues;
  /** The saved template, when there is one: it can be previewed with a real contact. */
  saved: Template | null;
}

function SmsCount({ body }: { body: string }) {
  const { t } = useTranslation();
  const count = smsSegments(body);
  return (
    <Stack gap={2} mt="xs" aria-live="polite">
      <Text size="sm" fw={600} data-testid="sms-segments">
        {t("templates.editor.smsSegments", { count: count.segments })}
      </Text>
      <Text size="xs" c="dimmed">
        {t("templates.editor.smsLeft", { left: count.charactersLeftInSegment, encoding: count.encoding })}
      </Text>
      {count.encoding === "UCS-2" && (
        <Text size="xs" c="dimmed">
          {t("templates.editor.smsUnicode")}
        </Text>
      )}
    </Stack>
  );
}

export function TemplatePreview({ values, saved }: TemplatePreviewProps) {
  const { t } = useTranslation();
  const [contactId, setContactId] = useState<string | null>(null);
  const [chosen, setChosen] = useState("");
  const [search, setSearch] = useState("");
  // Once a contact is chosen the box shows its label: that is not a new search.
  const [q] = useDebouncedValue(search === chosen ? "" : search.trim(), 250);
  const whatsapp = values.channel === "whatsapp";
  const contacts = useQuery({
    queryKey: ["templates", "preview-contacts", q],
    queryFn: () => listContacts({ q, cursor: null, limit: 20 }),
    enabled: saved !== null,
  });
  const real = useQuery({
    queryKey: templateLibraryKeys.preview(saved?.id ?? "", contactId ?? "", saved?.updated_at ?? ""),
    queryFn: () => previewTemplate(saved!.id, { contact_id: contactId! }),
    enabled: saved !== null && contactId !== null,
    retry: false,
  });

  const options = (contacts.data?.items ?? []).map((contact) => ({
    value: contact.id,
    label: [contact.name, contact.phone].filter(Boolean).join(" · ") || contact.id,
  }));
  // The chosen contact stays an option when a later page of results does not hold it.
  if (contactId && !options.some((option) => option.value === contactId)) options.unshift({ value: contactId, label: chosen });

  const shown = contactId && real.data
    ? { header: real.data.header_text, body: real.data.body }
    : { header: whatsapp && values.headerText ? renderPreview(values.headerText) : null, body: renderPreview(values.body) };
  const caption = contactId && real.data
    ? t("templates.editor.previewServer", { name: chosen })
    : t("templates.editor.previewSample");

  return (
    <Stack gap="sm">
      <PhoneFrame
        label={t("templates.editor.preview")}
        caption={caption}
        header={shown.header}
        body={shown.body}
        footer={whatsapp ? values.footer || null : null}
        buttons={whatsapp ? values.buttons.filter((button) => button.text.trim()).map((button) => ({ type: button.type, text: button.text })) : []}
        empty={t("templates.editor.previewEmpty")}
      >
        {!whatsapp && <SmsCount body={contactId && real.data ? real.data.body : values.body} />}
        {contactId && real.data && real.data.fallbacks_used.length > 0 && (
          <Text size="xs" c="dimmed" mt="xs">
            {t("templates.editor.fallbacksUsed", { names: real.data.fallbacks_used.join(", ") })}
          </Text>
        )}
      </PhoneFrame>
      {saved ? (
        <Select
          label={t("templates.editor.previewContact")}
          description={t("templates.editor.previewContactHint")}
          placeholder={t("templates.editor.previewContactSearch")}
          searchable
          clearable
          maw={320}
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options }) => options}
          data={options}
          value={contactId}
          onChange={(value, option) => {
            setContactId(value);
            setChosen(value ? option.label : "");
          }}
        />
      ) : (
        <Text size="xs" c="dimmed">
          {t("templates.editor.previewSaveFirst")}
        </Text>
      )}
      {real.isError && (
        <Alert color="orange" role="alert">
          {t("templates.editor.previewFailed", { reason: real.error.message })}
        </Alert>
      )}
    </Stack>
  );
}
