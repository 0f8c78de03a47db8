// One contact: the profile (name, email, owner, lifecycle, language, time zone; phone and
// WhatsApp id come from the channel), custom fields, tags, consent with its history, leads,
// conversations, the timeline, and the contact's data (export, erasure).
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Select,
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
import { useEffect, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { listAccounts } from "../../api/channels";
import { problemMessage } from "../../api/client";
import {
  type ContactDetail,
  ContactsError,
  getContact,
  listContactConversations,
} from "../../api/contacts";
import { relativeTime } from "../inbox/format";
import { timeZones } from "../settings/ProfileForm";
import { type FieldValue, LIFECYCLE_STAGES, type ProfileUpdate, updateProfile } from "./crm";
import { ConsentCard } from "./detail/ConsentCard";
import { FieldsCard } from "./detail/FieldsCard";
import { LeadsCard } from "./detail/LeadsCard";
import { PrivacyCard } from "./detail/PrivacyCard";
import { TagsCard } from "./detail/TagsCard";
import { TimelineCard } from "./detail/TimelineCard";
import { contactKeys, contactLabel, useUsers } from "./queries";

type Detail = ContactDetail;

// Loose like the crm's check (one @, a dot in the domain, no spaces): it catches typos.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const LANGUAGES = ["pt-BR", "en", "es"];

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
          color="red.9"
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
              <Button size="xs" variant="light" color="red.9" onClick={() => void query.refetch()}>
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
              <Stack gap="md">
                <Profile contact={query.data} />
                <TagsCard contactId={query.data.id} tags={query.data.tags ?? []} />
                <FieldsCard
                  contactId={query.data.id}
                  values={(query.data.fields ?? {}) as Record<string, FieldValue>}
                />
                <PrivacyCard
                  contactId={query.data.id}
                  label={contactLabel(query.data) ?? query.data.id}
                />
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Stack gap="md">
                <Conversations contact={query.data} />
                <ConsentCard contactId={query.data.id} />
                <LeadsCard contactId={query.data.id} />
                <TimelineCard contactId={query.data.id} />
              </Stack>
            </Grid.Col>
          </Grid>
        </>
      )}
    </Stack>
  );
}

interface ProfileValues {
  name: string;
  email: string;
  owner: string | null;
  lifecycle: string | null;
  language: string | null;
  timeZone: string | null;
}

function profileValues(contact: Detail): ProfileValues {
  return {
    name: contact.name ?? "",
    email: contact.email ?? "",
    owner: contact.owner_user_id ?? null,
    lifecycle: contact.lifecycle_stage ?? null,
    language: contact.language ?? null,
    // A derived zone is the phone's, not a choice: the field stays empty and says so.
    timeZone: contact.time_zone_derived ? null : (contact.time_zone ?? null),
  };
}

function Profile({ contact }: { contact: Detail }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const users = useUsers();
  const zones = useMemo(() => timeZones(contact.time_zone ?? ""), [contact.time_zone]);
  const form = useForm<ProfileValues>({
    mode: "controlled",
    initialValues: profileValues(contact),
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
  const savedKey = JSON.stringify(profileValues(contact));
  // A change saved here or elsewhere (a refetch) becomes the new starting point.
  useEffect(() => {
    const saved = JSON.parse(savedKey) as ProfileValues;
    form.setInitialValues(saved);
    form.setValues(saved);
    form.resetDirty(saved);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [savedKey]);

  const save = useMutation({
    mutationFn: (changes: ProfileUpdate) => updateProfile(contact.id, changes),
    onSuccess: (saved) => {
      queryClient.setQueryData<Detail>(contactKeys.detail(contact.id), (old) =>
        old ? { ...old, ...saved, conversations: old.conversations } : old,
      );
      void queryClient.invalidateQueries({ queryKey: ["contacts", "list"] });
      // The inbox titles conversations by the contact's name: stale once it changed.
      void queryClient.invalidateQueries({ queryKey: ["inbox"] });
      notifications.show({ color: "brand", message: t("contacts.detail.saved") });
    },
    onError: (error) => {
      const problem = error instanceof ContactsError ? error.problem : undefined;
      const fields: Record<string, keyof ProfileValues> = {
        name: "name",
        email: "email",
        owner_user_id: "owner",
        lifecycle_stage: "lifecycle",
        language: "language",
        time_zone: "timeZone",
      };
      for (const entry of problem?.errors ?? []) {
        const field = fields[String(entry.loc[entry.loc.length - 1])];
        if (field) form.setFieldError(field, entry.msg);
      }
      notifications.show({
        color: "red",
        title: t("contacts.detail.saveFailed"),
        message: problemMessage(problem, t("contacts.detail.saveFailed")),
      });
    },
  });

  const derived = contact.time_zone_derived ? contact.time_zone : null;
  const explicitZone = contact.time_zone_derived ? null : (contact.time_zone ?? null);
  const submit = form.onSubmit((values) => {
    const changes: ProfileUpdate = {};
    const name = values.name.trim().replace(/\s+/g, " ");
    const email = values.email.trim();
    if (name !== (contact.name ?? "")) changes.name = name || null;
    if (email !== (contact.email ?? "")) changes.email = email || null;
    if (values.owner !== (contact.owner_user_id ?? null)) changes.owner_user_id = values.owner;
    if (values.lifecycle !== (contact.lifecycle_stage ?? null)) {
      changes.lifecycle_stage = values.lifecycle as ProfileUpdate["lifecycle_stage"];
    }
    if (values.language !== (contact.language ?? null)) changes.language = values.language;
    if (values.timeZone !== explicitZone) changes.time_zone = values.timeZone;
    if (Object.keys(changes).length > 0) save.mutate(changes);
  });

  const ownerChoices = [...(users.data ?? [])];
  if (contact.owner_user_id && !ownerChoices.some((user) => user.id === contact.owner_user_id)) {
    ownerChoices.push({ id: contact.owner_user_id, name: t("contacts.detail.someone") });
  }

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
          <Select
            label={t("contacts.detail.owner")}
            placeholder={t("contacts.detail.noOwner")}
            data={ownerChoices.map((user) => ({ value: user.id, label: user.name }))}
            searchable
            clearable
            {...form.getInputProps("owner")}
          />
          <Select
            label={t("contacts.detail.lifecycle")}
            placeholder={t("contacts.detail.noLifecycle")}
            data={[
              ...LIFECYCLE_STAGES.map((stage) => ({ value: stage, label: t(`contacts.lifecycle.${stage}`) })),
              ...(contact.lifecycle_stage && !(LIFECYCLE_STAGES as readonly string[]).includes(contact.lifecycle_stage)
                ? [{ value: contact.lifecycle_stage, label: contact.lifecycle_stage }]
                : []),
            ]}
            clearable
            {...form.getInputProps("lifecycle")}
          />
          <Select
            label={t("contacts.detail.language")}
            placeholder={t("contacts.detail.noLanguage")}
            data={[
              ...LANGUAGES.map((code) => ({ value: code, label: t(`contacts.languages.${code}`) })),
              ...(contact.language && !LANGUAGES.includes(contact.language)
                ? [{ value: contact.language, label: contact.language }]
                : []),
            ]}
            clearable
            {...form.getInputProps("language")}
          />
          <Select
            label={t("contacts.detail.timeZone")}
            placeholder={
              derived ? t("contacts.detail.timeZoneDerived", { zone: derived }) : t("contacts.detail.noTimeZone")
            }
            description={
              !form.values.timeZone && derived ? t("contacts.detail.timeZoneDerivedHint", { zone: derived }) : undefined
            }
            data={zones}
            searchable
            clearable
            limit={50}
            {...form.getInputProps("timeZone")}
          />
          {contact.source && <ReadOnly label={t("contacts.detail.source")} value={contact.source} />}
          <Text size="xs" c="dimmed">
            {t("contacts.detail.added", {
              date: new Date(contact.created_at).toLocaleDateString(i18n.language),
            })}
            {contact.last_inbound_at &&
              ` · ${t("contacts.detail.lastInbound", { when: relativeTime(contact.last_inbound_at, i18n.language) })}`}
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
