// Consent and phone numbers: the default country numbers without +country are read in,
// whether marketing messages need an opt-in, and the opt-out and opt-in keywords (whole
// messages) with the replies sent back after them.
import { Button, Fieldset, Group, Paper, Select, Stack, Switch, TagsInput, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { type CrmSettings, type CrmSettingsUpdate, getCrmSettings, updateCrmSettings, problemText } from "../../contacts/crm";
import { contactKeys } from "../../contacts/queries";

/** Countries by name in the page's language (ISO 3166-1 alpha-2 codes). */
export function countries(language: string): { value: string; label: string }[] {
  const codes =
    "AD AE AF AG AI AL AM AO AR AS AT AU AW AZ BA BB BD BE BF BG BH BI BJ BM BN BO BR BS BT BW BY BZ CA CD CF CG CH CI CK CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FO FR GA GB GD GE GF GH GI GL GM GN GP GQ GR GT GU GW GY HK HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MO MQ MR MS MT MU MV MW MX MY MZ NA NC NE NG NI NL NO NP NR NZ OM PA PE PF PG PH PK PL PM PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TC TD TG TH TJ TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VG VI VN VU WS YE ZA ZM ZW".split(
      " ",
    );
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([language], { type: "region" });
  } catch {
    names = null;
  }
  return codes
    .map((code) => ({ value: code, label: `${names?.of(code) ?? code} (${code})` }))
    .sort((a, b) => a.label.localeCompare(b.label, language));
}

interface Form {
  default_country: string;
  marketing_requires_consent: boolean;
  opt_out_keywords: string[];
  opt_in_keywords: string[];
  opt_out_reply: string;
  opt_in_reply: string;
}

function formOf(settings: CrmSettings): Form {
  return {
    default_country: settings.default_country,
    marketing_requires_consent: settings.marketing_requires_consent,
    opt_out_keywords: settings.opt_out_keywords,
    opt_in_keywords: settings.opt_in_keywords,
    opt_out_reply: settings.opt_out_reply ?? "",
    opt_in_reply: settings.opt_in_reply ?? "",
  };
}

export function ConsentForm({ canEdit }: { canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: contactKeys.settings, queryFn: getCrmSettings });
  const [form, setForm] = useState<Form | null>(null);
  const saved = settings.data ? JSON.stringify(formOf(settings.data)) : null;
  useEffect(() => {
    if (saved) setForm(JSON.parse(saved) as Form);
  }, [saved]);
  const choices = useMemo(() => countries(i18n.language), [i18n.language]);
  const save = useMutation({
    mutationFn: (values: Form) =>
      updateCrmSettings({
        ...values,
        default_country: values.default_country as CrmSettingsUpdate["default_country"],
        opt_out_reply: values.opt_out_reply.trim() || null,
        opt_in_reply: values.opt_in_reply.trim() || null,
      }),
    onSuccess: (answer) => {
      queryClient.setQueryData(contactKeys.settings, answer);
      notifications.show({ color: "brand", message: t("contacts.crmSettings.consent.saved") });
    },
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("contacts.crmSettings.consent.failed"),
        message: problemText(error, t("contacts.crmSettings.consent.failed")),
      }),
  });
  const dirty = form !== null && saved !== null && JSON.stringify(form) !== saved;
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((current) => (current ? { ...current, [key]: value } : current));
  const overlap = form ? form.opt_in_keywords.filter((word) => form.opt_out_keywords.some((other) => other.toLowerCase() === word.toLowerCase())) : [];

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="crm-consent-title">
      <Title order={3} size="h4" id="crm-consent-title" mb="sm">
        {t("contacts.crmSettings.consent.title")}
      </Title>
      {settings.isError ? (
        <Text c="red.9" size="sm">
          {problemText(settings.error, t("contacts.crmSettings.consent.loadFailed"))}
        </Text>
      ) : !form ? (
        <Text c="dimmed" size="sm">
          {t("contacts.timeline.loading")}
        </Text>
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(form);
          }}
        >
          <Fieldset variant="unstyled" disabled={!canEdit}>
            <Stack gap="sm">
              <Select
                label={t("contacts.crmSettings.consent.country")}
                description={t("contacts.crmSettings.consent.countryHint")}
                data={choices}
                value={form.default_country}
                onChange={(value) => value && set("default_country", value)}
                searchable
                allowDeselect={false}
                maw={360}
              />
              <Switch
                label={t("contacts.crmSettings.consent.marketing")}
                description={t("contacts.crmSettings.consent.marketingHint")}
                checked={form.marketing_requires_consent}
                onChange={(event) => set("marketing_requires_consent", event.currentTarget.checked)}
              />
              <TagsInput
                label={t("contacts.crmSettings.consent.optOut")}
                description={t("contacts.crmSettings.consent.keywordsHint")}
                value={form.opt_out_keywords}
                onChange={(value) => set("opt_out_keywords", value)}
                maxTags={100}
                clearable
              />
              <Textarea
                label={t("contacts.crmSettings.consent.optOutReply")}
                description={t("contacts.crmSettings.consent.replyHint")}
                value={form.opt_out_reply}
                onChange={(event) => set("opt_out_reply", event.currentTarget.value)}
                maxLength={1000}
                autosize
                minRows={2}
              />
              <TagsInput
                label={t("contacts.crmSettings.consent.optIn")}
                description={t("contacts.crmSettings.consent.keywordsHint")}
                value={form.opt_in_keywords}
                onChange={(value) => set("opt_in_keywords", value)}
                maxTags={100}
                clearable
                error={overlap.length ? t("contacts.crmSettings.consent.overlap", { words: overlap.join(", ") }) : undefined}
              />
              <Textarea
                label={t("contacts.crmSettings.consent.optInReply")}
                description={t("contacts.crmSettings.consent.replyHint")}
                value={form.opt_in_reply}
                onChange={(event) => set("opt_in_reply", event.currentTarget.value)}
                maxLength={1000}
                autosize
                minRows={2}
              />
              {canEdit && (
                <Group justify="flex-end" gap="xs">
                  <Button variant="default" disabled={!dirty} onClick={() => saved && setForm(JSON.parse(saved) as Form)}>
                    {t("contacts.bulk.cancel")}
                  </Button>
                  <Button type="submit" disabled={!dirty} loading={save.isPending}>
                    {t("contacts.crmSettings.save")}
                  </Button>
                </Group>
              )}
            </Stack>
          </Fieldset>
        </form>
      )}
    </Paper>
  );
}
