// The cadences: newest first, a page at a time (cursor pages), with their status, channel and
// how many people are in each state; filter by status; the way to a new one.
import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
} from "@mantine/core";
import { IconChevronLeft, IconChevronRight, IconPlus, IconTimeline } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type Cadence, type CadenceStatus, ENROLLMENT_STATES, listCadences } from "../../api/cadencesApi";
import { problemMessage } from "../../api/client";
import { atLeast, useAccess } from "../team/roles";
import { StatusBadge } from "./StatusBadge";
import { CADENCE_STATUSES, PAGE_SIZE, cadenceKeys, countOf } from "./queries";

export default function CadencesPage() {
  const { t } = useTranslation();
  const { role } = useAccess();
  const canCreate = atLeast(role, "manager");
  const [status, setStatus] = useState<CadenceStatus | null>(null);
  // The cursor of every page visited so far, for "previous"; a new filter starts over.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = useQuery({
    queryKey: cadenceKeys.list(status, cursor),
    queryFn: () => listCadences({ cursor, limit: PAGE_SIZE, status }),
    placeholderData: keepPreviousData,
  });
  const items = query.data?.items ?? [];
  const nextCursor = query.data?.next_cursor ?? null;

  if (query.isSuccess && items.length === 0 && status === null && cursors.length === 1) {
    return <NoCadences canCreate={canCreate} />;
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>{t("cadences.title")}</Title>
        {canCreate && (
          <Button component={Link} to="/cadences/new" leftSection={<IconPlus size={16} />}>
            {t("cadences.new")}
          </Button>
        )}
      </Group>
      <Select
        label={t("cadences.statusFilter")}
        placeholder={t("cadences.anyStatus")}
        data={CADENCE_STATUSES.map((value) => ({ value, label: t(`cadences.status.${value}`) }))}
        value={status}
        onChange={(value) => {
          setStatus(value as CadenceStatus | null);
          setCursors([null]);
        }}
        clearable
        clearButtonProps={{ "aria-label": t("cadences.clearStatus") }}
        maw={240}
      />

      {query.isError ? (
        <Alert color="red" title={t("cadences.loadFailed")}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{problemMessage((query.error as { problem?: unknown }).problem, "")}</Text>
            <Button size="xs" variant="light" onClick={() => void query.refetch()}>
              {t("cadences.retry")}
            </Button>
          </Stack>
        </Alert>
      ) : query.isPending ? (
        <Stack gap="xs" aria-label={t("cadences.loading")} role="status">
          {[0, 1, 2].map((n) => (
            <Skeleton key={n} height={36} />
          ))}
        </Stack>
      ) : items.length === 0 ? (
        <Text c="dimmed">{t("cadences.noMatch")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label={t("cadences.table.label")} highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("cadences.table.name")}</Table.Th>
                <Table.Th>{t("cadences.table.status")}</Table.Th>
                <Table.Th>{t("cadences.table.channel")}</Table.Th>
                {ENROLLMENT_STATES.map((state) => (
                  <Table.Th key={state} ta="right">
                    {t(`cadences.state.${state}`)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((cadence) => (
                <CadenceRow key={cadence.id} cadence={cadence} />
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
          {t("cadences.previous")}
        </Button>
        <Text size="sm">{t("cadences.page", { page: cursors.length })}</Text>
        <Button
          variant="default"
          size="xs"
          rightSection={<IconChevronRight size={14} />}
          disabled={!nextCursor}
          onClick={() => nextCursor && setCursors([...cursors, nextCursor])}
        >
          {t("cadences.next")}
        </Button>
      </Group>
    </Stack>
  );
}

function CadenceRow({ cadence }: { cadence: Cadence }) {
  const { t, i18n } = useTranslation();
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/cadences/${cadence.id}`}>
          {cadence.name}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <StatusBadge status={cadence.status} />
      </Table.Td>
      <Table.Td>{t(`cadences.channel.${cadence.channel}`, { defaultValue: cadence.channel })}</Table.Td>
      {ENROLLMENT_STATES.map((state) => (
        <Table.Td key={state} ta="right">
          {countOf(cadence, state).toLocaleString(i18n.language)}
        </Table.Td>
      ))}
    </Table.Tr>
  );
}

/** No cadence yet: what one does, and the way to the first. */
function NoCadences({ canCreate }: { canCreate: boolean }) {
  const { t } = useTranslation();
  return (
    <Center mih="60vh">
      <Stack align="center" maw={440} ta="center" gap="sm">
        <ThemeIcon size={56} radius="xl" variant="light">
          <IconTimeline size={30} stroke={1.5} />
        </ThemeIcon>
        <Title order={3}>{t("cadences.empty.title")}</Title>
        <Text c="dimmed">{t("cadences.empty.body")}</Text>
        {canCreate && (
          <Button component={Link} to="/cadences/new" variant="light">
            {t("cadences.empty.action")}
          </Button>
        )}
      </Stack>
    </Center>
  );
}
