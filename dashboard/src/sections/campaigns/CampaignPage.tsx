// A campaign: its status and why, progress by recipient state, who was left out and why, the
// failures by error code, Pause / Resume / Cancel as the status allows, and the recipients
// with a state filter and a search. While it sends, its progress arrives over the live socket
// (src/live/campaigns.ts writes it into this page's query); the page is read again every 2 s
// when the socket is down, every 15 s as a fallback when it is up.
import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconChevronLeft, IconChevronRight, IconSearch } from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import {
  type Campaign,
  RECIPIENT_STATES,
  type RecipientState,
  cancelCampaign,
  getCampaign,
  launchCampaign,
  listRecipients,
  pauseCampaign,
  resumeCampaign,
} from "../../api/campaignsApi";
import { ApiError, problemMessage } from "../../api/client";
import { useLive } from "../../live/LiveProvider";
import { atLeast, useAccess } from "../team/roles";
import { Progressbars } from "./CampaignProgress";
import { RecipientsExportButton } from "./RecipientsExportButton";
import { StatusBadge } from "./CampaignsPage";
import { refreshInterval } from "./liveRefresh";
import { PAGE_SIZE, actionsOf, campaignKeys, isLive } from "./queries";

export default function CampaignPage() {
  const { t, i18n } = useTranslation();
  const { campaignId = "" } = useParams();
  const { status: socket } = useLive();
  const query = useQuery({
    queryKey: campaignKeys.detail(campaignId),
    queryFn: () => getCampaign(campaignId),
    refetchInterval: (q) => refreshInterval(!!q.state.data && isLive(q.state.data.status), socket),
  });
  const campaign = query.data;
  const time = (value: string) => new Date(value).toLocaleString(i18n.language);

  if (query.isError) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <Stack gap="md">
        <BackLink />
        <Alert color="red" title={t(missing ? "campaigns.detail.notFound" : "campaigns.detail.loadFailed")}>
          {!missing && (
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{problemMessage((query.error as ApiError).problem, "")}</Text>
              <Button size="xs" variant="light" onClick={() => void query.refetch()}>
                {t("campaigns.retry")}
              </Button>
            </Stack>
          )}
        </Alert>
      </Stack>
    );
  }
  if (!campaign) {
    return (
      <Stack gap="md" role="status" aria-label={t("app.loading")}>
        <Skeleton height={32} width="40%" />
        <Skeleton height={120} />
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <BackLink />
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>{campaign.name}</Title>
            <StatusBadge status={campaign.status} />
          </Group>
          {campaign.status_reason && (
            <Text size="sm" c="dimmed">
              {t("campaigns.detail.why", {
                reason: campaign.status_detail ? `${campaign.status_reason} — ${campaign.status_detail}` : campaign.status_reason,
              })}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            {campaign.scheduled_at && campaign.status === "scheduled"
              ? t("campaigns.detail.scheduledAt", { time: time(campaign.scheduled_at) })
              : campaign.finished_at
                ? t("campaigns.detail.finishedAt", { time: time(campaign.finished_at) })
                : campaign.launched_at
                  ? t("campaigns.detail.launchedAt", { time: time(campaign.launched_at) })
                  : null}
          </Text>
        </Stack>
        <Actions campaign={campaign} />
      </Group>

      <Progressbars campaign={campaign} />

      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Breakdown
          title={t("campaigns.detail.excluded")}
          keyLabel={t("campaigns.detail.reason")}
          rows={campaign.excluded ?? {}}
        />
        <Breakdown
          title={t("campaigns.detail.failures")}
          keyLabel={t("campaigns.detail.code")}
          rows={campaign.failures ?? {}}
        />
      </SimpleGrid>

      <Card withBorder component="section" aria-labelledby="campaign-message">
        <Title order={3} size="h5" id="campaign-message" mb="xs">
          {t("campaigns.detail.message")}
        </Title>
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
          {String(campaign.message.body ?? campaign.message.name ?? "")}
        </Text>
        <Text size="xs" c="dimmed" mt="xs">
          {t("campaigns.detail.inFlight", { count: campaign.in_flight_limit })}
          {campaign.rate_per_second ? ` · ${t("campaigns.detail.rate", { rate: campaign.rate_per_second })}` : ""}
        </Text>
      </Card>

      <Recipients campaignId={campaign.id} live={isLive(campaign.status)} />
    </Stack>
  );
}

function BackLink() {
  const { t } = useTranslation();
  return (
    <Anchor component={Link} to="/campaigns" size="sm">
      {t("campaigns.detail.back")}
    </Anchor>
  );
}

function Actions({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const { role } = useAccess();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const allowed = actionsOf(campaign);
  const act = useMutation({
    mutationFn: (action: "launch" | "pause" | "resume" | "cancel") => {
      switch (action) {
        case "launch":
          return launchCampaign(campaign.id);
        case "pause":
          return pauseCampaign(campaign.id);
        case "resume":
          return resumeCampaign(campaign.id);
        case "cancel":
          return cancelCampaign(campaign.id);
      }
    },
    onSuccess: (updated) => {
      setConfirming(false);
      queryClient.setQueryData(campaignKeys.detail(campaign.id), updated);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all });
    },
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("campaigns.detail.actionFailed"),
        message: problemMessage((error as ApiError).problem, t("campaigns.detail.actionFailed")),
      }),
  });
  if (!atLeast(role, "manager")) return null;
  const busy = (action: string) => act.isPending && act.variables === action;
  return (
    <Group gap="xs">
      {allowed.launch && (
        <Button onClick={() => act.mutate("launch")} loading={busy("launch")}>
          {t("campaigns.detail.launch")}
        </Button>
      )}
      {allowed.pause && (
        <Button variant="light" color="yellow" onClick={() => act.mutate("pause")} loading={busy("pause")}>
          {t("campaigns.detail.pause")}
        </Button>
      )}
      {allowed.resume && (
        <Button variant="light" onClick={() => act.mutate("resume")} loading={busy("resume")}>
          {t("campaigns.detail.resume")}
        </Button>
      )}
      {allowed.cancel && (
        <Button variant="subtle" color="red" onClick={() => setConfirming(true)}>
          {t("campaigns.detail.cancel")}
        </Button>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t("campaigns.detail.confirmTitle")} centered>
        <Text size="sm">{t("campaigns.detail.confirmBody")}</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setConfirming(false)} disabled={busy("cancel")}>
            {t("campaigns.detail.keep")}
          </Button>
          <Button color="red" onClick={() => act.mutate("cancel")} loading={busy("cancel")}>
            {t("campaigns.detail.confirm")}
          </Button>
        </Group>
      </Modal>
    </Group>
  );
}

function Breakdown({ title, keyLabel, rows }: { title: string; keyLabel: string; rows: Record<string, number> }) {
  const { t, i18n } = useTranslation();
  const entries = Object.entries(rows).sort((a, b) => b[1] - a[1]);
  return (
    <Card withBorder component="section" aria-label={title}>
      <Title order={3} size="h5" mb="xs">
        {title}
      </Title>
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("campaigns.detail.none")}
        </Text>
      ) : (
        <Table aria-label={title}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{keyLabel}</Table.Th>
              <Table.Th ta="right">{t("campaigns.detail.count")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map(([key, count]) => (
              <Table.Tr key={key}>
                <Table.Td>{key}</Table.Td>
                <Table.Td ta="right">{count.toLocaleString(i18n.language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function Recipients({ campaignId, live }: { campaignId: string; live: boolean }) {
  const { t, i18n } = useTranslation();
  const { status: socket } = useLive();
  const [state, setState] = useState<RecipientState | null>(null);
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const scope = `${state ?? ""}\u0000${q}`;
  const [pages, setPages] = useState<{ scope: string; cursors: (string | null)[] }>({ scope, cursors: [null] });
  const cursors = pages.scope === scope ? pages.cursors : [null];
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = useQuery({
    queryKey: campaignKeys.recipients(campaignId, state, q, cursor),
    queryFn: () => listRecipients(campaignId, { cursor, limit: PAGE_SIZE, state, q }),
    placeholderData: keepPreviousData,
    refetchInterval: refreshInterval(live, socket),
  });
  const items = query.data?.items ?? [];
  const nextCursor = query.data?.next_cursor ?? null;
  return (
    <Stack gap="sm" component="section" aria-labelledby="campaign-recipients">
      <Title order={3} id="campaign-recipients">
        {t("campaigns.recipients.title")}
      </Title>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t("campaigns.recipients.state")}
          placeholder={t("campaigns.recipients.anyState")}
          data={RECIPIENT_STATES.map((value) => ({ value, label: t(`campaigns.state.${value}`) }))}
          value={state}
          onChange={(value) => setState(value as RecipientState | null)}
          clearable
          clearButtonProps={{ "aria-label": t("campaigns.recipients.clearState") }}
          w={200}
        />
        <TextInput
          label={t("campaigns.recipients.search")}
          placeholder={t("campaigns.recipients.searchHint")}
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={280}
        />
        <RecipientsExportButton campaignId={campaignId} state={state} />
      </Group>
      {query.isError ? (
        <Alert color="red" title={t("campaigns.recipients.loadFailed")}>
          {problemMessage((query.error as ApiError).problem, "")}
        </Alert>
      ) : query.isPending ? (
        <Skeleton height={80} />
      ) : items.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t("campaigns.recipients.empty")}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label={t("campaigns.recipients.label")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("campaigns.recipients.name")}</Table.Th>
                <Table.Th>{t("campaigns.recipients.address")}</Table.Th>
                <Table.Th>{t("campaigns.recipients.state")}</Table.Th>
                <Table.Th>{t("campaigns.recipients.reason")}</Table.Th>
                <Table.Th>{t("campaigns.recipients.updated")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((recipient) => (
                <Table.Tr key={recipient.contact_id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/contacts/${recipient.contact_id}`}>
                      {recipient.name || recipient.address || recipient.contact_id}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{recipient.address ?? ""}</Table.Td>
                  <Table.Td>{t(`campaigns.state.${recipient.state}`)}</Table.Td>
                  <Table.Td>{[recipient.reason, recipient.detail].filter(Boolean).join(" — ")}</Table.Td>
                  <Table.Td>{new Date(recipient.updated_at).toLocaleString(i18n.language)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="flex-end" gap="xs">
        <Button
          variant="default"
          size="xs"
          leftSection={<IconChevronLeft size={14} />}
          disabled={cursors.length === 1}
          onClick={() => setPages({ scope, cursors: cursors.slice(0, -1) })}
        >
          {t("campaigns.previous")}
        </Button>
        <Button
          variant="default"
          size="xs"
          rightSection={<IconChevronRight size={14} />}
          disabled={!nextCursor}
          onClick={() => nextCursor && setPages({ scope, cursors: [...cursors, nextCursor] })}
        >
          {t("campaigns.next")}
        </Button>
      </Group>
    </Stack>
  );
}
