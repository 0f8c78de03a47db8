// One channel account: its status and why, the alerts that need a person, its daily limit,
// and (for administrators) test, pause or resume, a new token, delete.
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  PasswordInput,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import {
  IconAlertTriangle,
  IconBrandWhatsapp,
  IconKey,
  IconMessage,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlugConnected,
  IconTrash,
} from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  type AccountTestResult,
  type ChannelAccount,
  type ChannelAlert,
  ChannelsError,
  accountLimits,
  deleteAccount,
  pauseAccount,
  resumeAccount,
  testAccount,
  updateAccount,
} from "../../api/channels";
import { problemMessage } from "../../api/client";
import { relativeTime } from "../inbox/format";
import { alertColor, channelKeys, statusColor } from "./queries";

interface AccountCardProps {
  account: ChannelAccount;
  alerts: ChannelAlert[];
  canManage: boolean;
}

export function accountName(account: ChannelAccount, fallback: string): string {
  return account.display_name || account.phone_number || account.account_sid || fallback;
}

export function AccountCard({ account, alerts, canManage }: AccountCardProps) {
  const { t } = useTranslation();
  const name = accountName(account, t("connections.noName"));
  const headingId = `account-${account.id}`;
  const whatsapp = account.channel === "whatsapp_cloud";
  const [testResult, setTestResult] = useState<AccountTestResult | null>(null);
  const [tokenOpen, setTokenOpen] = useState(false);
  const [deleteOpen, setDeleteOpen] = useState(false);
  const status = t(`connections.status.${account.status}`, { defaultValue: account.status });

  return (
    <Card withBorder padding="lg" component="article" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            {whatsapp ? (
              <IconBrandWhatsapp size={28} stroke={1.5} aria-hidden />
            ) : (
              <IconMessage size={28} stroke={1.5} aria-hidden />
            )}
            <div style={{ minWidth: 0 }}>
              <Title order={3} size="h4" id={headingId} style={{ overflowWrap: "anywhere" }}>
                {name}
              </Title>
              <Text size="sm" c="dimmed">
                {t(`connections.channel.${account.channel}`)}
                {account.phone_number && account.phone_number !== name
                  ? ` · ${account.phone_number}`
                  : ""}
              </Text>
            </div>
          </Group>
          <Badge color={statusColor(account.status)} variant="light" style={{ flexShrink: 0 }}>
            <VisuallyHidden>{t("connections.statusPrefix")}</VisuallyHidden>
            {status}
          </Badge>
        </Group>

        {account.status !== "active" && account.status_reason && (
          <Text size="sm" fw={500} c={`${statusColor(account.status)}.8`}>
            {account.status_reason}
          </Text>
        )}

        {alerts.length > 0 && (
          <Stack gap="xs" role="group" aria-label={t("connections.alerts.label", { name })}>
            {alerts.map((alert) => (
              <AlertBox key={alert.id} alert={alert} />
            ))}
          </Stack>
        )}

        <Facts account={account} />
        <Limits account={account} />

        {testResult && <TestResult result={testResult} />}

        {canManage && (
          <Actions
            account={account}
            name={name}
            onTested={setTestResult}
            onNewToken={() => setTokenOpen(true)}
            onDelete={() => setDeleteOpen(true)}
          />
        )}
      </Stack>
      {canManage && (
        <>
          <TokenModal
            account={account}
            name={name}
            opened={tokenOpen}
            onClose={() => setTokenOpen(false)}
          />
          <DeleteModal
            account={account}
            name={name}
            opened={deleteOpen}
            onClose={() => setDeleteOpen(false)}
          />
        </>
      )}
    </Card>
  );
}

function AlertBox({ alert }: { alert: ChannelAlert }) {
  const { t, i18n } = useTranslation();
  return (
    <Alert
      color={alertColor(alert.kind)}
      icon={<IconAlertTriangle size={18} />}
      title={t(`connections.alerts.kind.${alert.kind}`, { defaultValue: alert.kind })}
      p="sm"
    >
      <Text size="sm">{alert.message}</Text>
      <Text size="xs" c="dimmed" mt={2}>
        {relativeTime(alert.occurred_at, i18n.language)}
      </Text>
    </Alert>
  );
}

function Facts({ account }: { account: ChannelAccount }) {
  const { t } = useTranslation();
  const secret = (value: ChannelAccount["access_token"]) =>
    value?.configured
      ? value.last4
        ? t("connections.secretSet", { last4: value.last4 })
        : "••••"
      : t("connections.secretMissing");
  const rows: [string, string | null][] =
    account.channel === "whatsapp_cloud"
      ? [
          [t("connections.field.phoneNumberId"), account.phone_number_id],
          [t("connections.field.wabaId"), account.waba_id],
          [t("connections.field.businessId"), account.business_id],
          [t("connections.field.accessToken"), secret(account.access_token)],
          [t("connections.field.appSecret"), secret(account.app_secret)],
        ]
      : [
          [t("connections.field.accountSid"), account.account_sid],
          [t("connections.field.authToken"), secret(account.auth_token)],
          [t("connections.field.fromNumber"), account.from_number],
          [t("connections.field.messagingServiceSid"), account.messaging_service_sid],
        ];
  return (
    <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" verticalSpacing={4} component="dl" m={0}>
      {rows
        .filter(([, value]) => value)
        .map(([label, value]) => (
          <div key={label}>
            <Text size="xs" c="dimmed" component="dt">
              {label}
            </Text>
            <Text size="sm" component="dd" m={0} style={{ overflowWrap: "anywhere" }}>
              {value}
            </Text>
          </div>
        ))}
    </SimpleGrid>
  );
}

function Limits({ account }: { account: ChannelAccount }) {
  const { t, i18n } = useTranslation();
  const query = useQuery({
    queryKey: channelKeys.limits(account.id),
    queryFn: () => accountLimits(account.id),
  });
  if (query.isPending) return null;
  if (query.isError) {
    return (
      <Text size="sm" c="dimmed">
        {t("connections.limits.failed")}
      </Text>
    );
  }
  const limits = query.data;
  if (limits.limit === null) {
    return (
      <Text size="sm" c="dimmed">
        {t("connections.limits.unlimited")}
      </Text>
    );
  }
  const percent = limits.limit > 0 ? Math.min(100, (limits.used / limits.limit) * 100) : 100;
  const color = percent >= 100 ? "red" : percent >= 80 ? "orange" : "brand";
  return (
    <Stack gap={4}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          {t("connections.limits.title")}
        </Text>
        <Text size="sm">
          {t("connections.limits.used", { used: limits.used, limit: limits.limit })}
        </Text>
      </Group>
      <Progress
        value={percent}
        color={color}
        aria-label={t("connections.limits.usedLabel")}
      />
      <Text size="xs" c="dimmed">
        {t("connections.limits.remaining", { remaining: limits.remaining ?? 0 })}
        {limits.resets_at
          ? ` · ${t("connections.limits.resets", { when: relativeTime(limits.resets_at, i18n.language) })}`
          : ""}
      </Text>
    </Stack>
  );
}

function TestResult({ result }: { result: AccountTestResult }) {
  const { t } = useTranslation();
  if (result.ok) {
    const shown = Object.entries(result.details ?? {}).filter(
      ([key, value]) =>
        ["verified_name", "display_phone_number", "quality_rating", "friendly_name", "status"].includes(key) &&
        (typeof value === "string" || typeof value === "number"),
    );
    return (
      <Alert color="brand" title={t("connections.test.ok")} p="sm">
        {shown.map(([key, value]) => (
          <Text size="sm" key={key}>
            {key.replace(/_/g, " ")}: {String(value)}
          </Text>
        ))}
      </Alert>
    );
  }
  const error = result.error ?? {};
  const detail = [error.title, error.detail].filter((part) => typeof part === "string").join(": ");
  return (
    <Alert color="red" title={t("connections.test.failed")} p="sm">
      <Text size="sm">{detail || String(error.code ?? "")}</Text>
    </Alert>
  );
}

function useAccountAction<T>(
  action: () => Promise<T>,
  success: (value: T) => void,
) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: action,
    onSuccess: (value) => {
      void queryClient.invalidateQueries({ queryKey: ["channels"] });
      success(value);
    },
    onError: (error) => {
      notifications.show({
        color: "red",
        title: t("connections.actionFailed"),
        message: problemMessage(
          error instanceof ChannelsError ? error.problem : undefined,
          t("connections.actionFailed"),
        ),
      });
    },
  });
}

function Actions({
  account,
  name,
  onTested,
  onNewToken,
  onDelete,
}: {
  account: ChannelAccount;
  name: string;
  onTested: (result: AccountTestResult) => void;
  onNewToken: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  const test = useAccountAction(
    () => testAccount(account.id),
    (result) => {
      onTested(result);
      notifications.show({
        color: result.ok ? "brand" : "red",
        message: `${name}: ${result.ok ? t("connections.test.ok") : t("connections.test.failed")}`,
      });
    },
  );
  const pause = useAccountAction(
    () => pauseAccount(account.id),
    () => notifications.show({ color: "orange", message: t("connections.paused", { name }) }),
  );
  const resume = useAccountAction(
    () => resumeAccount(account.id),
    () => notifications.show({ color: "brand", message: t("connections.resumed", { name }) }),
  );
  return (
    <Group gap="xs" role="group" aria-label={t("connections.actions.label", { name })}>
      <Button
        size="xs"
        variant="light"
        leftSection={<IconPlugConnected size={14} />}
        loading={test.isPending}
        onClick={() => test.mutate()}
        aria-label={t("connections.actions.testTitle", { name })}
      >
        {t("connections.actions.test")}
      </Button>
      {account.status === "active" ? (
        <Button
          size="xs"
          variant="light"
          color="orange"
          leftSection={<IconPlayerPause size={14} />}
          loading={pause.isPending}
          onClick={() => pause.mutate()}
          aria-label={t("connections.actions.pauseTitle", { name })}
        >
          {t("connections.actions.pause")}
        </Button>
      ) : (
        <Button
          size="xs"
          variant="light"
          color="brand"
          leftSection={<IconPlayerPlay size={14} />}
          loading={resume.isPending}
          onClick={() => resume.mutate()}
          aria-label={t("connections.actions.resumeTitle", { name })}
        >
          {t("connections.actions.resume")}
        </Button>
      )}
      <Button
        size="xs"
        variant="default"
        leftSection={<IconKey size={14} />}
        onClick={onNewToken}
        aria-label={t("connections.actions.replaceTokenTitle", { name })}
      >
        {t("connections.actions.replaceToken")}
      </Button>
      <Button
        size="xs"
        variant="subtle"
        color="red"
        leftSection={<IconTrash size={14} />}
        onClick={onDelete}
        aria-label={t("connections.actions.deleteTitle", { name })}
      >
        {t("connections.actions.delete")}
      </Button>
    </Group>
  );
}

function TokenModal({
  account,
  name,
  opened,
  onClose,
}: {
  account: ChannelAccount;
  name: string;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const field = account.channel === "sms" ? "auth_token" : "access_token";
  const save = useAccountAction(
    () => updateAccount(account.id, { [field]: token.trim() }),
    () => {
      notifications.show({ color: "brand", message: t("connections.token.saved") });
      setToken("");
      onClose();
    },
  );
  return (
    <Modal opened={opened} onClose={onClose} title={t("connections.token.title")}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim().length < 8) {
            setError(t("connections.form.secretShort"));
            return;
          }
          setError(null);
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{t("connections.token.body", { name })}</Text>
          <PasswordInput
            label={
              field === "auth_token"
                ? t("connections.field.authToken")
                : t("connections.field.accessToken")
            }
            autoComplete="new-password"
            value={token}
            error={error}
            onChange={(event) => setToken(event.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("connections.form.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t("connections.token.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteModal({
  account,
  name,
  opened,
  onClose,
}: {
  account: ChannelAccount;
  name: string;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const remove = useAccountAction(
    () => deleteAccount(account.id),
    () => {
      queryClient.setQueryData<ChannelAccount[]>(channelKeys.accounts, (old) =>
        old?.filter((item) => item.id !== account.id),
      );
      notifications.show({ color: "brand", message: t("connections.confirmDelete.done", { name }) });
      onClose();
    },
  );
  return (
    <Modal opened={opened} onClose={onClose} title={t("connections.confirmDelete.title")}>
      <Stack gap="sm">
        <Text size="sm">{t("connections.confirmDelete.body", { name })}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("connections.confirmDelete.cancel")}
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
            {t("connections.confirmDelete.confirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
