// One contact: the profile (name and email editable; phone and WhatsApp id come from the
// channel) and its conversations, each opening in the inbox.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconMessages } from "@tabler/icons-react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { listAccounts } from "../../api/channels";
import { problemMessage } from "../../api/client";
import {
  type ContactDetail,
  type ContactUpdate,
  ContactsError,
  getContact,
  listContactConversations,
  updateContact,
} from "../../api/contacts";
import { relativeTime } from "../inbox/format";
import { contactKeys, contactLabel } from "./queries";

// Loose like the crm's check (one @, a dot in the domain, no spaces): it catches typos.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export default function ContactDetailPage() {
  const { t } = useTranslation();
  const { contactId = "" } = useParams();
  const query = useQuery({
    queryKey: contactKeys.detail(contactId),
    queryFn: () => getContact(contactId),
  });

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/contacts" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          {t("contacts.detail.back")}
        </Group>
      </Anchor>
      {query.isPending ? (
        <DetailSkeleton />
      ) : query.isError ? (
        <Alert
          color="red"
          title={
            query.error instanceof ContactsError && query.error.status === 404
              ? t("contacts.detail.notFound")
              : t("contacts.detail.loadFailed")
          }
        >
          {!(query.error instanceof ContactsError && query.error.status === 404) && (
            <Stack gap="xs" align="flex-start">
              <Text size="sm">
                {query.error instanceof ContactsError
                  ? problemMessage(query.error.problem, "")
                  : ""}
              </Text>
              <Button size="xs" variant="light" color="red" onClick={() => void query.refetch()}>
                {t("contacts.retry")}
              </Button>
            </Stack>
          )}
        </Alert>
      ) : (
        <>
          <Title order={2}>{contactLabel(query.data) ?? t("contacts.unnamed")}</Title>
          <Grid gutter="md">
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Profile contact={query.data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Conversations contact={query.data} />
            </Grid.Col>
          </Grid>
        </>
      )}
    </Stack>
  );
}

function Profile({ contact }: { contact: ContactDetail }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const form = useForm({
    mode: "controlled",
    initialValues: { name: contact.name ?? "", email: contact.email ?? "" },
    validate: {
      name: (value) => (value.trim().length > 256 ? t("contacts.detail.nameTooLong") : null),
      email: (value) => {
        const email = value.trim();
        if (!email) return null;
        if (email.length > 320) return t("contacts.detail.emailTooLong");
        return EMAIL.test(email) ? null : t("contacts.detail.emailInvalid");
      },
    },
  });
  // A change saved here or elsewhere (a refetch) becomes the new starting point.
  useEffect(() => {
    const saved = { name: contact.name ?? "", email: contact.email ?? "" };
    form.setInitialValues(saved);
    form.setValues(saved);
    form.resetDirty(saved);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [contact.name, contact.email]);

  const save = useMutation({
    mutationFn: (changes: ContactUpdate) => updateContact(contact.id, changes),
    onSuccess: (saved) => {
      queryClient.setQueryData<ContactDetail>(contactKeys.detail(contact.id), (old) =>
        old ? { ...old, ...saved } : old,
      );
      void queryClient.invalidateQueries({ queryKey: ["contacts", "list"] });
      // The inbox titles conversations by the contact's name: stale once it changed.
      void queryClient.invalidateQueries({ queryKey: ["inbox"] });
      notifications.show({ color: "brand", message: t("contacts.detail.saved") });
    },
    onError: (error) => {
      const problem = error instanceof ContactsError ? error.problem : undefined;
      for (const entry of problem?.errors ?? []) {
        const field = entry.loc[entry.loc.length - 1];
        if (field === "name" || field === "email") form.setFieldError(field, entry.msg);
      }
      notifications.show({
        color: "red",
        title: t("contacts.detail.saveFailed"),
        message: problemMessage(problem, t("contacts.detail.saveFailed")),
      });
    },
  });

  const submit = form.onSubmit((values) => {
    const changes: ContactUpdate = {};
    const name = values.name.trim().replace(/\s+/g, " ");
    const email = values.email.trim();
    if (name !== (contact.name ?? "")) changes.name = name || null;
    if (email !== (contact.email ?? "")) changes.email = email || null;
    if (Object.keys(changes).length > 0) save.mutate(changes);
  });

  return (
    <Card withBorder padding="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t("contacts.detail.profile")}
          </Title>
          <TextInput
            label={t("contacts.detail.name")}
            placeholder={t("contacts.detail.namePlaceholder")}
            {...form.getInputProps("name")}
          />
          <TextInput
            label={t("contacts.detail.email")}
            placeholder={t("contacts.detail.emailPlaceholder")}
            type="email"
            {...form.getInputProps("email")}
          />
          <ReadOnly label={t("contacts.detail.phone")} value={contact.phone} />
          <ReadOnly label={t("contacts.detail.userId")} value={contact.user_id} />
          <Text size="xs" c="dimmed">
            {t("contacts.detail.readOnlyIds")}
          </Text>
          <Text size="xs" c="dimmed">
            {t("contacts.detail.added", {
              date: new Date(contact.created_at).toLocaleDateString(i18n.language),
            })}
          </Text>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" disabled={!form.isDirty()} onClick={() => form.reset()}>
              {t("contacts.detail.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
              {t("contacts.detail.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function ReadOnly({ label, value }: { label: string; value: string | null }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Text size="sm" c={value ? undefined : "dimmed"} style={{ wordBreak: "break-all" }}>
        {value ?? t("contacts.detail.none")}
      </Text>
    </div>
  );
}

/** A conversation as this page lists it, from the inbox's list or the contact's own. */
interface Row {
  id: string;
  channel: string;
  channel_account_id: string;
  status: string;
  unread_count: number;
  at: string;
  preview: string | null;
  outbound: boolean;
}

function Conversations({ contact }: { contact: ContactDetail }) {
  const { t } = useTranslation();
  // Which number each conversation is on; every member may read the accounts. Without
  // them (an error) the channel's name is enough.
  const accounts = useQuery({ queryKey: ["channels", "accounts"], queryFn: listAccounts });
  const names = new Map(
    (accounts.data ?? []).map((account) => [
      account.id,
      account.display_name || account.phone_number || "",
    ]),
  );
  // The inbox's list filtered to the contact gives the last messages; should it fail, the
  // contact's own answer still lists the conversations.
  const inbox = useInfiniteQuery({
    queryKey: contactKeys.conversations(contact.id),
    queryFn: ({ pageParam }) => listContactConversations(contact.id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const rows: Row[] = inbox.data
    ? inbox.data.pages.flatMap((page) =>
        page.items.map((conversation) => ({
          id: conversation.id,
          channel: conversation.channel,
          channel_account_id: conversation.channel_account_id,
          status: conversation.status,
          unread_count: conversation.unread_count,
          at: conversation.last_message.at,
          preview: conversation.last_message.preview,
          outbound: conversation.last_message.direction === "out",
        })),
      )
    : [...contact.conversations]
        .sort((a, b) => b.last_message_at.localeCompare(a.last_message_at))
        .map((conversation) => ({
          ...conversation,
          at: conversation.last_message_at,
          preview: null,
          outbound: false,
        }));
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t("contacts.detail.conversations")}
        </Title>
        {inbox.isPending && contact.conversations.length > 0 ? (
          <Stack gap="xs">
            {contact.conversations.map((conversation) => (
              <Skeleton key={conversation.id} height={64} />
            ))}
          </Stack>
        ) : rows.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t("contacts.detail.noConversations")}
          </Text>
        ) : (
          <Stack
            gap="xs"
            component="ul"
            aria-label={t("contacts.detail.conversationsLabel")}
            p={0}
            m={0}
            style={{ listStyle: "none" }}
          >
            {rows.map((row) => (
              <li key={row.id}>
                <ConversationLink row={row} accountName={names.get(row.channel_account_id)} />
              </li>
            ))}
          </Stack>
        )}
        {inbox.hasNextPage && (
          <Button
            variant="subtle"
            size="xs"
            loading={inbox.isFetchingNextPage}
            onClick={() => void inbox.fetchNextPage()}
          >
            {t("contacts.detail.loadMore")}
          </Button>
        )}
      </Stack>
    </Card>
  );
}

function ConversationLink({ row, accountName }: { row: Row; accountName?: string }) {
  const { t, i18n } = useTranslation();
  const channel = t(`contacts.detail.channel.${row.channel}`, { defaultValue: row.channel });
  const where = accountName ? `${channel} · ${accountName}` : channel;
  return (
    <UnstyledButton
      component={Link}
      to={`/inbox?conversation=${row.id}`}
      aria-label={t("contacts.detail.openConversation", { channel: where })}
      p="sm"
      w="100%"
      style={{
        display: "block",
        border: "1px solid var(--mantine-color-default-border)",
        borderRadius: "var(--mantine-radius-md)",
      }}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          <IconMessages size={18} stroke={1.5} aria-hidden />
          <Text fw={500} truncate>
            {where}
          </Text>
        </Group>
        <Group gap={6} wrap="nowrap">
          {row.unread_count > 0 && (
            <Badge size="sm">{t("contacts.detail.unread", { count: row.unread_count })}</Badge>
          )}
          <Badge size="sm" variant="light" color={row.status === "open" ? "brand" : "gray"}>
            {t(`contacts.detail.status.${row.status}`, { defaultValue: row.status })}
          </Badge>
        </Group>
      </Group>
      {row.preview && (
        <Text size="sm" c="dimmed" truncate mt={4}>
          {row.outbound ? t("contacts.detail.you") : ""}
          {row.preview}
        </Text>
      )}
      <Text size="xs" c="dimmed" mt={4}>
        {t("contacts.detail.lastMessage", { when: relativeTime(row.at, i18n.language) })}
      </Text>
    </UnstyledButton>
  );
}

function DetailSkeleton() {
  const { t } = useTranslation();
  return (
    <Stack gap="md" role="status" aria-busy="true" aria-label={t("contacts.loading")}>
      <Skeleton height={28} width="40%" />
      <Grid gutter="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Skeleton height={260} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Skeleton height={160} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
