// Connections: the company's WhatsApp Cloud API numbers and Twilio SMS accounts, each with
// its status, current alerts and daily limit. Administrators add, test, pause, resume and
// delete them; everyone else sees the list read-only (the sender answers 403 to them).
import {
  Alert,
  Button,
  Center,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from "@mantine/core";
import { IconInfoCircle, IconPlugConnected, IconPlus } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ChannelsError, listAccounts, listAlerts } from "../../api/channels";
import { problemMessage } from "../../api/client";
import { useMe } from "../../auth/useMe";
import { AccountCard } from "./AccountCard";
import { AddConnectionModal } from "./AddConnectionModal";
import { canManage, channelKeys, currentAlerts, isManaged } from "./queries";

const REFRESH_MS = 60_000;

export default function ConnectionsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const admin = canManage(me.data?.role);
  const [adding, setAdding] = useState(false);
  // Looked at again every minute while open: a provider can pause a number (an expired
  // token, a spam limit) at any time, and this page is where a person sees it.
  const accounts = useQuery({
    queryKey: channelKeys.accounts,
    queryFn: listAccounts,
    refetchInterval: REFRESH_MS,
  });
  const alerts = useQuery({
    queryKey: channelKeys.alerts,
    queryFn: () => listAlerts(),
    refetchInterval: REFRESH_MS,
  });
  const managed = (accounts.data ?? []).filter(isManaged);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <div>
          <Title order={2}>{t("connections.title")}</Title>
          <Text c="dimmed" size="sm">
            {t("connections.intro")}
          </Text>
        </div>
        {admin && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            {t("connections.add")}
          </Button>
        )}
      </Group>
      {me.data && !admin && (
        <Alert color="gray" icon={<IconInfoCircle size={18} />} p="sm">
          {t("connections.readOnly")}
        </Alert>
      )}
      {alerts.isError && (
        <Alert color="orange" p="sm">
          {t("connections.alerts.failed")}
        </Alert>
      )}
      {accounts.isPending ? (
        <CardsSkeleton />
      ) : accounts.isError ? (
        <Alert color="red" title={t("connections.loadFailed")}>
          <Stack gap="xs" align="flex-start">
            {accounts.error instanceof ChannelsError && (
              <Text size="sm">{problemMessage(accounts.error.problem, "")}</Text>
            )}
            <Button size="xs" variant="light" color="red" onClick={() => void accounts.refetch()}>
              {t("connections.retry")}
            </Button>
          </Stack>
        </Alert>
      ) : managed.length === 0 ? (
        <ConnectionsEmpty canAdd={admin} onAdd={() => setAdding(true)} />
      ) : (
        <SimpleGrid
          cols={{ base: 1, lg: 2 }}
          spacing="md"
          component="section"
          aria-label={t("connections.listLabel")}
        >
          {managed.map((account) => (
            <AccountCard
              key={account.id}
              account={account}
              alerts={currentAlerts(alerts.data ?? [], account.id)}
              canManage={admin}
            />
          ))}
        </SimpleGrid>
      )}
      {admin && <AddConnectionModal opened={adding} onClose={() => setAdding(false)} />}
    </Stack>
  );
}

function CardsSkeleton() {
  const { t } = useTranslation();
  return (
    <SimpleGrid
      cols={{ base: 1, lg: 2 }}
      spacing="md"
      role="status"
      aria-busy="true"
      aria-label={t("connections.loading")}
    >
      {Array.from({ length: 2 }, (_, index) => (
        <Stack key={index} gap="sm" p="lg" style={{ border: "1px solid var(--mantine-color-default-border)", borderRadius: "var(--mantine-radius-md)" }}>
          <Skeleton height={18} width="50%" />
          <Skeleton height={12} width="30%" />
          <Skeleton height={40} />
          <Skeleton height={8} />
        </Stack>
      ))}
    </SimpleGrid>
  );
}

function ConnectionsEmpty({ canAdd, onAdd }: { canAdd: boolean; onAdd: () => void }) {
  const { t } = useTranslation();
  return (
    <Center py="xl">
      <Stack align="center" ta="center" gap="sm" maw={440}>
        <ThemeIcon size={56} radius="xl" variant="light">
          <IconPlugConnected size={30} stroke={1.5} />
        </ThemeIcon>
        <Title order={3}>{t("empty.connections.title")}</Title>
        <Text c="dimmed">{t("empty.connections.body")}</Text>
        {canAdd ? (
          <Button variant="light" onClick={onAdd}>
            {t("connections.addWhatsApp")}
          </Button>
        ) : (
          <Text c="dimmed" size="sm">
            {t("connections.readOnly")}
          </Text>
        )}
      </Stack>
    </Center>
  );
}
