// API keys: the list, creating one (its secret shown once, to copy) and revoking.
import {
  Alert,
  Badge,
  Button,
  Center,
  Group,
  Modal,
  NativeSelect,
  Paper,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconKey, IconPlus } from "@tabler/icons-react";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { ConfirmDialog } from "../team/ConfirmDialog";
import { formatDateTime } from "../team/format";
import { Secret } from "../team/Invitations";
import { describeProblem } from "../team/problem";
import { type Pages, mapPages, prependToPages } from "../team/queries";
import { type Role, assignableRoles } from "../team/roles";
import { TableSkeleton } from "../team/UsersTable";
import { type ApiKey, type ApiKeyCreated, fetchApiKeys, settingsKeys } from "./queries";

const SCOPE = /^(\*|[a-z][a-z0-9-]{1,40})$/;
// The areas the gateway forwards today; others can be typed.
const AREAS = ["*", "inbox", "contacts", "channels", "media"];

export function ApiKeys({ role }: { role: Role | undefined }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const query = useInfiniteQuery({
    queryKey: settingsKeys.apiKeys,
    queryFn: ({ pageParam }) => fetchApiKeys(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const revoke = useMutation({
    mutationFn: async (key: ApiKey) => {
      const { error, response } = await api.DELETE("/api/v1/api-keys/{key_id}", {
        params: { path: { key_id: key.id } },
      });
      if (error || !response.ok) throw error ?? new Error("no answer");
      return key;
    },
    onSuccess: (key) => {
      setRevoking(null);
      const now = new Date().toISOString();
      queryClient.setQueryData<Pages<ApiKey>>(settingsKeys.apiKeys, (pages) =>
        mapPages(pages, (item) => (item.id === key.id ? { ...item, revoked_at: now } : item)),
      );
      notifications.show({ color: "brand", message: t("settings.apiKeys.revoked", { name: key.name }) });
    },
    onError: (error) => {
      setRevoking(null);
      notifications.show({
        color: "red",
        title: t("settings.apiKeys.revokeFailed"),
        message: describeProblem(error, t("settings.apiKeys.revokeFailed")),
      });
    },
  });
  const keys = query.data?.pages.flatMap((page) => page.items) ?? [];

  let content;
  if (query.isPending) content = <TableSkeleton columns={6} rows={2} />;
  else if (query.isError) {
    content = (
      <Alert color="red">{describeProblem(query.error, t("settings.apiKeys.loadFailed"))}</Alert>
    );
  } else if (keys.length === 0) {
    content = (
      <Stack align="center" gap="xs" py="md">
        <IconKey size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
        <Text c="dimmed" ta="center">
          {t("settings.apiKeys.empty")}
        </Text>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          {t("settings.apiKeys.create")}
        </Button>
      </Stack>
    );
  } else {
    content = (
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="sm" aria-label={t("settings.apiKeys.title")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("settings.apiKeys.name")}</Table.Th>
              <Table.Th>{t("settings.apiKeys.prefix")}</Table.Th>
              <Table.Th>{t("settings.apiKeys.role")}</Table.Th>
              <Table.Th>{t("settings.apiKeys.scopes")}</Table.Th>
              <Table.Th>{t("settings.apiKeys.created")}</Table.Th>
              <Table.Th>{t("settings.apiKeys.lastUsed")}</Table.Th>
              <Table.Th>{t("settings.apiKeys.status")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.map((key) => (
              <Table.Tr key={key.id} c={key.revoked_at ? "dimmed" : undefined}>
                <Table.Td fw={500}>{key.name}</Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">{`mia_${key.prefix}_…`}</Text>
                </Table.Td>
                <Table.Td>{t(`team.roles.${key.role}`)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {key.scopes.map((scope) => (
                      <Badge key={scope} size="sm" variant="outline" tt="none">
                        {scope}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(key.created_at, i18n.language)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {key.last_used_at
                      ? formatDateTime(key.last_used_at, i18n.language)
                      : t("settings.apiKeys.never")}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {key.revoked_at ? (
                    <Badge color="gray" variant="light">
                      {t("settings.apiKeys.revokedOn")}
                    </Badge>
                  ) : (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={t("settings.apiKeys.revokeOf", { name: key.name })}
                      onClick={() => setRevoking(key)}
                    >
                      {t("settings.apiKeys.revoke")}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={4}>{t("settings.apiKeys.title")}</Title>
            <Text size="sm" c="dimmed" maw={640}>
              {t("settings.apiKeys.hint")}
            </Text>
          </div>
          {keys.length > 0 && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              {t("settings.apiKeys.create")}
            </Button>
          )}
        </Group>
        {content}
        {query.hasNextPage && (
          <Center>
            <Button
              variant="subtle"
              loading={query.isFetchingNextPage}
              onClick={() => void query.fetchNextPage()}
            >
              {t("settings.apiKeys.loadMore")}
            </Button>
          </Center>
        )}
      </Stack>
      <CreateKeyModal
        opened={creating}
        role={role}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setSecret(created);
          const { key: _secret, ...listed } = created;
          queryClient.setQueryData<Pages<ApiKey>>(settingsKeys.apiKeys, (pages) =>
            prependToPages(pages, listed),
          );
        }}
      />
      <Modal
        opened={secret !== null}
        onClose={() => setSecret(null)}
        title={t("settings.apiKeys.secretTitle")}
        size="lg"
        centered
        closeOnClickOutside={false}
      >
        {secret && (
          <Stack gap="md">
            <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
              {t("settings.apiKeys.secretWarning")}
            </Alert>
            <Secret label={t("settings.apiKeys.secret")} value={secret.key} />
            <Group justify="flex-end">
              <Button onClick={() => setSecret(null)}>{t("settings.apiKeys.stored")}</Button>
            </Group>
          </Stack>
        )}
      </Modal>
      {revoking && (
        <ConfirmDialog
          opened
          title={t("settings.apiKeys.revokeTitle", { name: revoking.name })}
          body={t("settings.apiKeys.revokeBody")}
          confirmLabel={t("settings.apiKeys.revoke")}
          loading={revoke.isPending}
          onConfirm={() => revoke.mutate(revoking)}
          onClose={() => setRevoking(null)}
        />
      )}
    </Paper>
  );
}

function CreateKeyModal({
  opened,
  role,
  onClose,
  onCreated,
}: {
  opened: boolean;
  role: Role | undefined;
  onClose: () => void;
  onCreated: (created: ApiKeyCreated) => void;
}) {
  const { t } = useTranslation();
  const form = useForm({
    initialValues: { name: "", role: "agent" as Role, scopes: ["*"] },
    validate: {
      name: (value) => {
        const length = value.trim().length;
        return length >= 1 && length <= 100 ? null : t("settings.apiKeys.nameInvalid");
      },
      scopes: (value) =>
        value.length === 0
          ? t("settings.apiKeys.scopesRequired")
          : value.every((scope) => SCOPE.test(scope))
            ? null
            : t("settings.apiKeys.scopesInvalid"),
    },
  });
  const create = useMutation({
    mutationFn: async (body: { name: string; role: Role; scopes: string[] }) => {
      const { data, error } = await api.POST("/api/v1/api-keys", { body });
      if (error || !data) throw error ?? new Error("no answer");
      return data;
    },
    onSuccess: (created) => {
      form.reset();
      create.reset();
      onCreated(created);
      notifications.show({
        color: "brand",
        message: t("settings.apiKeys.createdDone", { name: created.name }),
      });
    },
  });
  const close = () => {
    form.reset();
    create.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={t("settings.apiKeys.createTitle")} centered>
      <form
        noValidate
        onSubmit={form.onSubmit((values) =>
          create.mutate({ name: values.name.trim(), role: values.role, scopes: values.scopes }),
        )}
      >
        <Stack gap="sm">
          <TextInput
            label={t("settings.apiKeys.name")}
            placeholder={t("settings.apiKeys.namePlaceholder")}
            maxLength={100}
            data-autofocus
            {...form.getInputProps("name")}
          />
          <NativeSelect
            label={t("settings.apiKeys.role")}
            data={assignableRoles(role).map((value) => ({ value, label: t(`team.roles.${value}`) }))}
            {...form.getInputProps("role")}
          />
          <TagsInput
            label={t("settings.apiKeys.scopes")}
            description={t("settings.apiKeys.scopesHint")}
            data={AREAS}
            clearable
            {...form.getInputProps("scopes")}
            onChange={(value) => form.setFieldValue("scopes", value.map((scope) => scope.trim()))}
          />
          {create.isError && (
            <Alert color="red" title={t("settings.apiKeys.createFailed")}>
              {describeProblem(create.error, t("settings.apiKeys.createFailed"))}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("settings.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("settings.apiKeys.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
