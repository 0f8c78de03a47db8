// The campaigns: newest first, a page at a time (cursor pages), with their status and how far
// they got; filter by status; the way to a new one.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { IconChevronLeft, IconChevronRight, IconPlus, IconSend } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type Campaign, type CampaignStatus, listCampaigns } from "../../api/campaignsApi";
import { problemMessage } from "../../api/client";
import { EmptyState } from "../EmptyState";
import { atLeast, useAccess } from "../team/roles";
import { CAMPAIGN_STATUSES, PAGE_SIZE, campaignKeys, statusColor, totalOf } from "./queries";

export default function CampaignsPage() {
  const { t } = useTranslation();
  const { role } = useAccess();
  const canCreate = atLeast(role, "manager");
  const [status, setStatus] = useState<CampaignStatus | null>(null);
  // The cursor of every page visited so far, for "previous"; a new filter starts over.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = useQuery({
    queryKey: campaignKeys.list(status, cursor),
    queryFn: () => listCampaigns({ cursor, limit: PAGE_SIZE, status }),
    placeholderData: keepPreviousData,
  });
  const items = query.data?.items ?? [];
  const nextCursor = query.data?.next_cursor ?? null;

  if (query.isSuccess && items.length === 0 && status === null && cursors.length === 1) {
    return <EmptyState icon={IconSend} section="campaigns" actionTo={canCreate ? "/campaigns/new" : undefined} />;
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>{t("campaigns.title")}</Title>
        {canCreate && (
          <Button component={Link} to="/campaigns/new" leftSection={<IconPlus size={16} />}>
            {t("campaigns.new")}
          </Button>
        )}
      </Group>
      <Select
        label={t("campaigns.statusFilter")}
        placeholder={t("campaigns.anyStatus")}
        data={CAMPAIGN_STATUSES.map((value) => ({ value, label: t(`campaigns.status.${value}`) }))}
        value={status}
        onChange={(value) => {
          setStatus(value as CampaignStatus | null);
          setCursors([null]);
        }}
        clearable
        clearButtonProps={{ "aria-label": t("campaigns.clearStatus") }}
        maw={240}
      />

      {query.isError ? (
        <Alert color="red" title={t("campaigns.loadFailed")}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{problemMessage((query.error as { problem?: unknown }).problem, "")}</Text>
            <Button size="xs" variant="light" onClick={() => void query.refetch()}>
              {t("campaigns.retry")}
            </Button>
          </Stack>
        </Alert>
      ) : query.isPending ? (
        <Stack gap="xs" aria-label={t("campaigns.loading")} role="status">
          {[0, 1, 2].map((n) => (
            <Skeleton key={n} height={36} />
          ))}
        </Stack>
      ) : items.length === 0 ? (
        <Text c="dimmed">{t("campaigns.noMatch")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label={t("campaigns.table.label")} highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("campaigns.table.name")}</Table.Th>
                <Table.Th>{t("campaigns.table.status")}</Table.Th>
                <Table.Th>{t("campaigns.table.channel")}</Table.Th>
                <Table.Th>{t("campaigns.table.created")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((campaign) => (
                <CampaignRow key={campaign.id} campaign={campaign} />
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
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          {t("campaigns.previous")}
        </Button>
        <Text size="sm">{t("campaigns.page", { page: cursors.length })}</Text>
        <Button
          variant="default"
          size="xs"
          rightSection={<IconChevronRight size={14} />}
          disabled={!nextCursor}
          onClick={() => nextCursor && setCursors([...cursors, nextCursor])}
        >
          {t("campaigns.next")}
        </Button>
      </Group>
    </Stack>
  );
}

function CampaignRow({ campaign }: { campaign: Campaign }) {
  const { t, i18n } = useTranslation();
  const total = totalOf(campaign);
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/campaigns/${campaign.id}`}>
          {campaign.name}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <StatusBadge status={campaign.status} />
      </Table.Td>
      <Table.Td>{t(`campaigns.channel.${campaign.channel}`, { defaultValue: campaign.channel })}</Table.Td>
      <Table.Td>
        {new Date(campaign.created_at).toLocaleString(i18n.language)}
        {total > 0 && (
          <Text size="xs" c="dimmed">
            {t("campaigns.detail.total", { count: total, formatted: total.toLocaleString(i18n.language) })}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function StatusBadge({ status }: { status: CampaignStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor(status)} variant="light">
      <VisuallyHidden>{t("campaigns.statusPrefix")}</VisuallyHidden>
      {t(`campaigns.status.${status}`)}
    </Badge>
  );
}
