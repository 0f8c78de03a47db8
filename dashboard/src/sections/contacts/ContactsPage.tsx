// The contacts: a server-side paginated table (cursor pages, newest first) with a debounced
// search the crm runs; each row opens the contact.
import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAddressBook, IconChevronLeft, IconChevronRight, IconSearch } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { problemMessage } from "../../api/client";
import { type Contact, ContactsError, listContacts } from "../../api/contacts";
import { PAGE_SIZE, contactKeys, contactLabel } from "./queries";

export default function ContactsPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  // The cursor of every page visited so far, for "previous"; a new search starts over.
  const [pages, setPages] = useState<{ q: string; cursors: (string | null)[] }>({
    q: "",
    cursors: [null],
  });
  const cursors = pages.q === q ? pages.cursors : [null];
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = useQuery({
    queryKey: contactKeys.list(q, cursor),
    queryFn: () => listContacts({ q, cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const items = query.data?.items ?? [];
  const nextCursor = query.data?.next_cursor ?? null;

  const goNext = () => nextCursor && setPages({ q, cursors: [...cursors, nextCursor] });
  const goPrevious = () => setPages({ q, cursors: cursors.slice(0, -1) });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>{t("contacts.title")}</Title>
        <TextInput
          w={{ base: "100%", sm: 360 }}
          aria-label={t("contacts.search")}
          placeholder={t("contacts.search")}
          description={t("contacts.searchHint")}
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
      </Group>
      {query.isPending ? (
        <TableSkeleton />
      ) : query.isError ? (
        <Alert color="red" title={t("contacts.loadFailed")}>
          <Stack gap="xs" align="flex-start">
            {query.error instanceof ContactsError && query.error.problem?.detail && (
              <Text size="sm">{problemMessage(query.error.problem, "")}</Text>
            )}
            <Button size="xs" variant="light" color="red" onClick={() => void query.refetch()}>
              {t("contacts.retry")}
            </Button>
          </Stack>
        </Alert>
      ) : items.length === 0 && cursors.length === 1 ? (
        q ? (
          <Stack align="center" py="xl" gap="xs">
            <Text c="dimmed">{t("contacts.noMatch", { q })}</Text>
            <Button variant="subtle" onClick={() => setSearch("")}>
              {t("contacts.clearSearch")}
            </Button>
          </Stack>
        ) : (
          <ContactsEmpty />
        )
      ) : (
        <>
          <Paper withBorder style={{ overflowX: "auto" }}>
            <Table
              highlightOnHover
              verticalSpacing="sm"
              aria-label={t("contacts.table.label")}
              aria-busy={query.isFetching}
              style={{ opacity: query.isPlaceholderData ? 0.6 : 1 }}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("contacts.table.name")}</Table.Th>
                  <Table.Th>{t("contacts.table.phone")}</Table.Th>
                  <Table.Th visibleFrom="md">{t("contacts.table.userId")}</Table.Th>
                  <Table.Th visibleFrom="sm">{t("contacts.table.email")}</Table.Th>
                  <Table.Th visibleFrom="sm">{t("contacts.table.added")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((contact) => (
                  <ContactRow key={contact.id} contact={contact} />
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          <Group justify="space-between" component="nav" aria-label={t("contacts.pagination.label")}>
            <Text size="sm" c="dimmed" aria-live="polite">
              {t("contacts.pagination.page", { page: cursors.length })}
            </Text>
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                leftSection={<IconChevronLeft size={14} />}
                disabled={cursors.length === 1}
                onClick={goPrevious}
              >
                {t("contacts.pagination.previous")}
              </Button>
              <Button
                variant="default"
                size="xs"
                rightSection={<IconChevronRight size={14} />}
                disabled={!nextCursor || query.isPlaceholderData}
                onClick={goNext}
              >
                {t("contacts.pagination.next")}
              </Button>
            </Group>
          </Group>
        </>
      )}
    </Stack>
  );
}

function ContactRow({ contact }: { contact: Contact }) {
  const { t, i18n } = useTranslation();
  const label = contactLabel(contact);
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/contacts/${contact.id}`} fw={500}>
          {contact.name || label || t("contacts.unnamed")}
        </Anchor>
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>{contact.phone ?? "—"}</Table.Td>
      <Table.Td visibleFrom="md">
        <Text size="sm" truncate maw={220}>
          {contact.user_id ?? "—"}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="sm">{contact.email ?? "—"}</Table.Td>
      <Table.Td visibleFrom="sm" style={{ whiteSpace: "nowrap" }}>
        {new Date(contact.created_at).toLocaleDateString(i18n.language)}
      </Table.Td>
    </Table.Tr>
  );
}

function TableSkeleton() {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" role="status" aria-busy="true" aria-label={t("contacts.loading")}>
      <Stack gap="md">
        {Array.from({ length: 8 }, (_, index) => (
          <Group key={index} gap="md" wrap="nowrap">
            <Skeleton height={12} width="25%" />
            <Skeleton height={12} width="20%" />
            <Skeleton height={12} width="30%" />
            <Skeleton height={12} width="15%" />
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

function ContactsEmpty() {
  const { t } = useTranslation();
  return (
    <Center py="xl">
      <Stack align="center" ta="center" gap="sm" maw={420}>
        <ThemeIcon size={56} radius="xl" variant="light">
          <IconAddressBook size={30} stroke={1.5} />
        </ThemeIcon>
        <Title order={3}>{t("empty.contacts.title")}</Title>
        <Text c="dimmed">{t("empty.contacts.body")}</Text>
        <Button component={Link} to="/inbox" variant="light">
          {t("empty.contacts.action")}
        </Button>
        {import.meta.env.DEV && (
          <Text c="dimmed" size="xs">
            {t("contacts.simulate")}
          </Text>
        )}
      </Stack>
    </Center>
  );
}
