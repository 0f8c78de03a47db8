// A template of the company's library for a campaign message: the ones this number can send
// (a WhatsApp template once Meta approved it for this number, its placeholders mapped; an
// SMS template on an SMS account). The service resolves the choice when the draft is saved.
import { Alert, Anchor, Loader, Select, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type Template, listTemplates } from "../../../api/campaignsApi";
import { templateLibraryKeys } from "../../templates/queries";

interface LibraryPickerProps {
  accountId: string;
  sms: boolean;
  value: Template | null;
  error?: string;
  label: string;
  onChange: (template: Template | null) => void;
}

/** Whether the campaign's number can send this library template as it is now. */
export function sendable(template: Template, accountId: string, sms: boolean): boolean {
  if (sms) return template.channel === "sms";
  return (
    template.channel === "whatsapp" &&
    (template.meta_status ?? "").toUpperCase() === "APPROVED" &&
    template.channel_account_id === accountId &&
    !template.mapping_needed
  );
}

export function LibraryPicker({ accountId, sms, value, error, label, onChange }: LibraryPickerProps) {
  const { t } = useTranslation();
  // One page of 200: far more than a company's library holds.
  const library = useQuery({
    queryKey: templateLibraryKeys.list("\u0000all"),
    queryFn: async () => (await listTemplates({ cursor: null, limit: 200 })).items,
    staleTime: 30_000,
  });
  if (library.isPending) return <Loader size="sm" aria-label={label} />;
  if (library.isError)
    return (
      <Alert color="red" title={t("campaigns.wizard.message.libraryFailed")}>
        {library.error.message}
      </Alert>
    );
  const usable = library.data.filter((template) => sendable(template, accountId, sms));
  if (usable.length === 0)
    return (
      <Alert color="gray">
        <Text size="sm">{t("campaigns.wizard.message.noLibrary")}</Text>
        <Anchor component={Link} to="/templates" size="sm">
          {t("campaigns.wizard.message.libraryManage")}
        </Anchor>
      </Alert>
    );
  return (
    <Select
      label={label}
      description={t("campaigns.wizard.message.libraryPickHint")}
      withAsterisk
      searchable
      data={usable.map((template) => ({ value: template.id, label: `${template.name} · ${template.language}` }))}
      value={value?.id ?? null}
      error={error}
      onChange={(id) => onChange(usable.find((template) => template.id === id) ?? null)}
    />
  );
}
