// A new campaign: a name, the number to send from, a saved segment, a text with variables
// (previewed as a contact would read it), the pace; saved as a draft, then launched now or at
// the time chosen.
import {
  Alert,
  Anchor,
  Button,
  Grid,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { type CampaignCreate, createCampaign, launchCampaign } from "../../api/campaignsApi";
import { listAccounts } from "../../api/channels";
import { problemMessage } from "../../api/client";
import { channelKeys } from "../connections/queries";
import { useSegments } from "../contacts/queries";
import { campaignKeys } from "./queries";
import { VARIABLE_HINT, renderPreview } from "./preview";

const BODY_MAX = 4096;

interface Values {
  name: string;
  accountId: string | null;
  segmentId: string | null;
  body: string;
  inFlight: number | string;
  rate: number | string;
  /** A datetime-local value (the browser's time), or empty: now. */
  scheduledAt: string;
}

const INITIAL: Values = {
  name: "",
  accountId: null,
  segmentId: null,
  body: "",
  inFlight: 50,
  rate: "",
  scheduledAt: "",
};

export function validate(values: Values, t: TFunction, now = Date.now()): Partial<Record<keyof Values, string>> {
  const errors: Partial<Record<keyof Values, string>> = {};
  if (!values.name.trim()) errors.name = t("campaigns.form.nameRequired");
  if (!values.accountId) errors.accountId = t("campaigns.form.accountRequired");
  if (!values.segmentId) errors.segmentId = t("campaigns.form.segmentRequired");
  if (!values.body.trim()) errors.body = t("campaigns.form.bodyRequired");
  else if (values.body.length > BODY_MAX) errors.body = t("campaigns.form.bodyTooLong", { max: BODY_MAX });
  const inFlight = Number(values.inFlight);
  if (values.inFlight === "" || !Number.isInteger(inFlight) || inFlight < 1 || inFlight > 1000)
    errors.inFlight = t("campaigns.form.inFlightInvalid");
  if (values.rate !== "") {
    const rate = Number(values.rate);
    if (!(rate > 0 && rate <= 1000)) errors.rate = t("campaigns.form.rateInvalid");
  }
  if (values.scheduledAt) {
    const at = new Date(values.scheduledAt).getTime();
    if (Number.isNaN(at) || at <= now) errors.scheduledAt = t("campaigns.form.scheduleInvalid");
  }
  return errors;
}

export default function NewCampaignPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const accounts = useQuery({ queryKey: channelKeys.accounts, queryFn: listAccounts });
  const segments = useSegments();
  const form = useForm<Values>({
    mode: "controlled",
    initialValues: INITIAL,
    validate: (values) => validate(values, t),
  });
  const usable = (accounts.data ?? []).filter(
    (account) => account.status === "active" && (account.channel === "whatsapp_cloud" || account.channel === "sms"),
  );

  const submit = useMutation({
    mutationFn: async ({ values, launch }: { values: Values; launch: boolean }) => {
      const account = usable.find((candidate) => candidate.id === values.accountId)!;
      const body: CampaignCreate = {
        name: values.name.trim(),
        channel: account.channel as CampaignCreate["channel"],
        channel_account_id: account.id,
        message: { type: "text", body: values.body },
        audience: { kind: "segment", segment_id: values.segmentId! },
        in_flight_limit: Number(values.inFlight),
        ...(values.rate !== "" ? { rate_per_second: Number(values.rate) } : {}),
      };
      const draft = await createCampaign(body);
      if (!launch) return { campaign: draft, launched: false as const };
      try {
        const scheduledAt = values.scheduledAt ? new Date(values.scheduledAt).toISOString() : null;
        return { campaign: await launchCampaign(draft.id, scheduledAt), launched: true as const };
      } catch (error) {
        return { campaign: draft, launched: false as const, error };
      }
    },
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all });
      if ("error" in result) {
        notifications.show({
          color: "red",
          title: t("campaigns.form.launchFailed"),
          message: problemMessage((result.error as { problem?: unknown }).problem, ""),
        });
      } else {
        const key = !result.launched ? "drafted" : result.campaign.status === "scheduled" ? "scheduled" : "created";
        notifications.show({ color: "green", message: t(`campaigns.form.${key}`) });
      }
      navigate(`/campaigns/${result.campaign.id}`);
    },
  });

  const send = (launch: boolean) =>
    form.onSubmit((values) => submit.mutate({ values, launch }));
  const preview = renderPreview(form.values.body);

  return (
    <Stack gap="md" maw={1000}>
      <Anchor component={Link} to="/campaigns" size="sm">
        {t("campaigns.form.cancel")}
      </Anchor>
      <Title order={2}>{t("campaigns.form.title")}</Title>
      <Text c="dimmed">{t("campaigns.form.intro")}</Text>
      {submit.isError && (
        <Alert color="red" title={t("campaigns.form.failed")}>
          {problemMessage((submit.error as { problem?: unknown }).problem, "")}
        </Alert>
      )}
      <form onSubmit={send(true)} noValidate aria-label={t("campaigns.form.title")}>
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Stack gap="sm">
              <TextInput label={t("campaigns.form.name")} withAsterisk {...form.getInputProps("name")} />
              <Select
                label={t("campaigns.form.account")}
                description={t("campaigns.form.accountHint")}
                withAsterisk
                data={usable.map((account) => ({
                  value: account.id,
                  label: `${account.display_name || account.phone_number || account.id} · ${t(
                    `campaigns.channel.${account.channel}`,
                    { defaultValue: account.channel },
                  )}`,
                }))}
                {...form.getInputProps("accountId")}
              />
              {accounts.isSuccess && usable.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t("campaigns.form.noAccounts")}
                </Text>
              )}
              <Select
                label={t("campaigns.form.segment")}
                description={t("campaigns.form.segmentHint")}
                withAsterisk
                searchable
                data={(segments.data ?? []).map((segment) => ({ value: segment.id, label: segment.name }))}
                {...form.getInputProps("segmentId")}
              />
              {segments.isSuccess && segments.data.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t("campaigns.form.noSegments")}
                </Text>
              )}
              <Textarea
                label={t("campaigns.form.body")}
                description={t("campaigns.form.bodyHint", { variables: VARIABLE_HINT })}
                withAsterisk
                autosize
                minRows={4}
                maxLength={BODY_MAX}
                {...form.getInputProps("body")}
              />
              <Group grow align="flex-start">
                <NumberInput
                  label={t("campaigns.form.inFlight")}
                  description={t("campaigns.form.inFlightHint")}
                  min={1}
                  max={1000}
                  allowDecimal={false}
                  {...form.getInputProps("inFlight")}
                />
                <NumberInput
                  label={t("campaigns.form.rate")}
                  description={t("campaigns.form.rateHint")}
                  min={0}
                  max={1000}
                  {...form.getInputProps("rate")}
                />
              </Group>
              <TextInput
                type="datetime-local"
                label={t("campaigns.form.schedule")}
                description={t("campaigns.form.scheduleHint")}
                {...form.getInputProps("scheduledAt")}
              />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Paper withBorder p="md" radius="md" component="section" aria-labelledby="campaign-preview">
              <Title order={3} size="h5" id="campaign-preview" mb="xs">
                {t("campaigns.form.preview")}
              </Title>
              {preview.trim() ? (
                <Text size="sm" style={{ whiteSpace: "pre-wrap" }} data-testid="campaign-preview">
                  {preview}
                </Text>
              ) : (
                <Text size="sm" c="dimmed">
                  {t("campaigns.form.previewEmpty")}
                </Text>
              )}
            </Paper>
          </Grid.Col>
        </Grid>
        <Group mt="lg" gap="sm">
          <Button type="submit" loading={submit.isPending && submit.variables?.launch}>
            {t("campaigns.form.submit")}
          </Button>
          <Button
            variant="default"
            onClick={() => send(false)()}
            loading={submit.isPending && !submit.variables?.launch}
          >
            {t("campaigns.form.saveDraft")}
          </Button>
        </Group>
      </form>
    </Stack>
  );
}
