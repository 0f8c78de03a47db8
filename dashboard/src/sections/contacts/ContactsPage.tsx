// The contacts: a server-side paginated table (cursor pages, newest first) with a debounced
// search, columns the user picks (kept in this browser), a segment builder whose filter the
// table (every match, page by page, with the search too) and a live count follow, saved
// segments, a selection (a page, or everything that matches) and bulk actions and exports.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Checkbox,
  Grid,
  Group,
  MultiSelect,
  Paper,
  Popover,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import {
  IconAddressBook,
  IconChevronLeft,
  IconChevronRight,
  IconColumns,
  IconDownload,
  IconFilter,
  IconSearch,
  IconUpload,
} from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { problemMessage } from "../../api/client";
import { ContactsError } from "../../api/contacts";
import { BulkActions } from "./bulk/BulkActions";
import { type ColumnId, useColumns } from "./columns";
import {
  type ContactFilter,
  type CrmContact,
  type CustomField,
  type FieldValue,
  LIFECYCLE_STAGES,
  type QuickFilters,
  type Selection,
  exportContacts,
  listCrmContacts,
  previewSegment,
  problemText,
} from "./crm";
import { fieldText } from "./detail/FieldInput";
import {
  PAGE_SIZE,
  contactKeys,
  contactLabel,
  useCustomFields,
  useStages,
  useTags,
  useUsers,
} from "./queries";
import { SegmentBuilder } from "./segments/SegmentBuilder";
import { SegmentsPanel } from "./segments/SegmentsPanel";
import {
  EVERYONE,
  type Group as FilterGroup,
  cleanFilter,
  combine,
  completeCount,
  draftOf,
  emptyFilter,
} from "./segments/filter";

export default function ContactsPage() {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [filterOpen, setFilterOpen] = useState(false);
  const [draft, setDraft] = useState<FilterGroup>(emptyFilter);
  const [activeSegment, setActiveSegment] = useState<{ id: string; filter: string } | null>(null);
  const [debouncedDraft] = useDebouncedValue(draft, 400);
  const filterJson = JSON.stringify(cleanFilter(debouncedDraft));
  const filter = useMemo(() => JSON.parse(filterJson) as ContactFilter | null, [filterJson]);
  const [quick, setQuick] = useState<QuickFilters>(NO_QUICK_FILTERS);
  // What the count, the bulk actions, the exports and a saved segment are about.
  const scopeFilter = combine(quick, filter);
  // The quick filters alone go to the list as query parameters; a loaded segment, left as it
  // was, pages through its own contacts; any other filter pages through the query endpoint,
  // the search with it.
  const quickOnly = filter === null ? scopeFilter : undefined;
  const unchangedSegment =
    activeSegment && activeSegment.filter === filterJson && scopeFilter === filter ? activeSegment.id : null;
  const segmentId = unchangedSegment;
  const scopeKey = `${q}\u0000${JSON.stringify(scopeFilter)}\u0000${segmentId ?? ""}`;

  const tags = useTags();
  const fields = useCustomFields();
  const users = useUsers();
  const stages = useStages();
  const columns = useColumns(fields.data ?? []);

  // The cursor of every page visited so far, for "previous"; a new search or filter starts over.
  const [pages, setPages] = useState<{ key: string; cursors: (string | null)[] }>({
    key: scopeKey,
    cursors: [null],
  });
  const cursors = pages.key === scopeKey ? pages.cursors : [null];
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = useQuery({
    queryKey: contactKeys.list(q, cursor, scopeFilter),
    queryFn: () =>
      listCrmContacts({
        q,
        cursor,
        limit: PAGE_SIZE,
        quick,
        filter: scopeFilter !== quickOnly ? scopeFilter : null,
        segmentId,
      }),
    placeholderData: keepPreviousData,
  });
  const items = query.data?.items ?? [];
  const nextCursor = query.data?.next_cursor ?? null;
  const goNext = () => nextCursor && setPages({ key: scopeKey, cursors: [...cursors, nextCursor] });
  const goPrevious = () => setPages({ key: scopeKey, cursors: cursors.slice(0, -1) });

  // The selection: ids picked on the pages, or everything the search and filter match.
  const [selected, setSelected] = useState<{ key: string; ids: Set<string>; all: boolean }>({
    key: scopeKey,
    ids: new Set(),
    all: false,
  });
  const selection = selected.key === scopeKey ? selected : { key: scopeKey, ids: new Set<string>(), all: false };
  const matching = useQuery({
    queryKey: contactKeys.count(scopeFilter),
    queryFn: () => previewSegment(scopeFilter ?? EVERYONE),
    enabled: !q,
  });
  const pageIds = items.map((contact) => contact.id);
  const pageSelected = pageIds.length > 0 && pageIds.every((id) => selection.ids.has(id));
  const toggle = (id: string) => {
    const ids = new Set(selection.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    setSelected({ key: scopeKey, ids, all: false });
  };
  const togglePage = () => {
    const ids = new Set(selection.ids);
    pageIds.forEach((id) => (pageSelected ? ids.delete(id) : ids.add(id)));
    setSelected({ key: scopeKey, ids, all: false });
  };
  const clearSelection = () => setSelected({ key: scopeKey, ids: new Set(), all: false });
  const n = (value: number) => value.toLocaleString(i18n.language);
  const matchCount = !q ? (matching.data?.count ?? undefined) : undefined;
  // A search is the list's own (the filter language has none): with a search, "all that
  // match" cannot be named to the bulk actions and exports, so only the ids on the pages are
  // selectable, and the count (the filter's alone) is not shown.
  const searchOnly = !!q;
  const target: Selection = selection.all ? { filter: scopeFilter } : { ids: [...selection.ids] };
  const scope = selection.all
    ? matchCount !== undefined
      ? t("contacts.selection.allMatchingScope", { count: matchCount, formatted: n(matchCount) })
      : t("contacts.selection.allMatchingScopeUnknown")
    : t("contacts.selection.scope", { count: selection.ids.size });

  const exportAll = useMutation({
    mutationFn: () =>
      exportContacts(
        searchOnly ? { ids: items.map((contact) => contact.id) } : { filter: scopeFilter },
        columns.visible.filter((id) => id.startsWith("field:")).map((id) => id.slice("field:".length)),
      ),
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("contacts.export.failed"),
        message: problemText(error, t("contacts.export.failed")),
      }),
  });

  const fieldByKey = new Map((fields.data ?? []).map((field) => [field.key, field]));
  const userNames = new Map((users.data ?? []).map((user) => [user.id, user.name]));
  const hasFilter = scopeFilter !== null;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>{t("contacts.title")}</Title>
        <Group gap="xs">
          <Button
            component={Link}
            to="/contacts/import"
            variant="light"
            leftSection={<IconUpload size={16} />}
          >
            {t("contacts.import")}
          </Button>
          <Button
            variant="default"
            leftSection={<IconDownload size={16} />}
            loading={exportAll.isPending}
            onClick={() => exportAll.mutate()}
          >
            {searchOnly
              ? t("contacts.export.page")
              : hasFilter
                ? t("contacts.export.matching")
                : t("contacts.export.all")}
          </Button>
        </Group>
      </Group>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          w={{ base: "100%", sm: 360 }}
          aria-label={t("contacts.search")}
          placeholder={t("contacts.search")}
          description={t("contacts.searchHint")}
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
        <Button
          variant={filterOpen || filter ? "light" : "default"}
          leftSection={<IconFilter size={16} />}
          aria-expanded={filterOpen}
          onClick={() => setFilterOpen((open) => !open)}
        >
          {filter
            ? t("contacts.filters.active", { count: completeCount(debouncedDraft) })
            : t("contacts.filters.open")}
        </Button>
        <QuickFilterInputs
          value={quick}
          onChange={setQuick}
          tags={tags.data ?? []}
          users={users.data ?? []}
        />
        <ColumnsMenu
          available={columns.available}
          chosen={columns.chosen}
          toggle={columns.toggle}
          fields={fieldByKey}
        />
      </Group>
      {filterOpen && (
        <Paper withBorder p="md" component="section" aria-label={t("contacts.segments.title")}>
          <Grid gutter="md">
            <Grid.Col span={{ base: 12, md: 3 }}>
              <SegmentsPanel
                active={activeSegment?.id ?? null}
                filter={scopeFilter}
                onLoad={(segment) => {
                  const next = segment ? draftOf(segment.filter) : emptyFilter();
                  setActiveSegment(segment ? { id: segment.id, filter: JSON.stringify(cleanFilter(next)) } : null);
                  setQuick(NO_QUICK_FILTERS);
                  setDraft(next);
                }}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 9 }}>
              <SegmentBuilder
                draft={draft}
                onChange={setDraft}
                filter={scopeFilter}
                choices={{
                  tags: tags.data ?? [],
                  fields: fields.data ?? [],
                  users: users.data ?? [],
                  stages: stages.data ?? [],
                }}
              />
            </Grid.Col>
          </Grid>
        </Paper>
      )}
      {(selection.ids.size > 0 || selection.all) && (
        <Paper withBorder p="xs" role="region" aria-label={t("contacts.selection.label")}>
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Group gap="xs">
              <Text size="sm" fw={500} aria-live="polite">
                {selection.all ? scope : t("contacts.selection.count", { count: selection.ids.size })}
              </Text>
              {pageSelected && !selection.all && !searchOnly && (nextCursor !== null || cursors.length > 1) ? (
                <Button
                  size="xs"
                  variant="subtle"
                  onClick={() => setSelected({ key: scopeKey, ids: new Set(pageIds), all: true })}
                >
                  {matchCount !== undefined
                    ? t("contacts.selection.selectAll", { count: matchCount, formatted: n(matchCount) })
                    : t("contacts.selection.selectAllUnknown")}
                </Button>
              ) : null}
              <Button size="xs" variant="subtle" color="gray" onClick={clearSelection}>
                {t("contacts.selection.clear")}
              </Button>
            </Group>
            <BulkActions
              selection={target}
              scope={scope}
              tags={tags.data ?? []}
              fields={fields.data ?? []}
              users={users.data ?? []}
            />
          </Group>
        </Paper>
      )}
      {query.isPending ? (
        <TableSkeleton />
      ) : query.isError ? (
        <Alert color="red.9" title={t("contacts.loadFailed")}>
          <Stack gap="xs" align="flex-start">
            {query.error instanceof ContactsError && query.error.problem?.detail && (
              <Text size="sm">{problemMessage(query.error.problem, "")}</Text>
            )}
            <Button size="xs" variant="light" color="red.9" onClick={() => void query.refetch()}>
              {t("contacts.retry")}
            </Button>
          </Stack>
        </Alert>
      ) : items.length === 0 && cursors.length === 1 ? (
        q || hasFilter ? (
          <Stack align="center" py="xl" gap="xs">
            <Text c="dimmed">
              {q ? t("contacts.noMatch", { q }) : t("contacts.filters.noMatch")}
            </Text>
            <Button
              variant="subtle"
              onClick={() => {
                setSearch("");
                setQuick(NO_QUICK_FILTERS);
                setDraft(emptyFilter());
                setActiveSegment(null);
              }}
            >
              {q ? t("contacts.clearSearch") : t("contacts.filters.clear")}
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
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label={t("contacts.selection.page")}
                      checked={pageSelected || selection.all}
                      indeterminate={!pageSelected && pageIds.some((id) => selection.ids.has(id))}
                      onChange={togglePage}
                    />
                  </Table.Th>
                  <Table.Th>{t("contacts.table.name")}</Table.Th>
                  {columns.visible.map((id) => (
                    <Table.Th key={id}>{columnTitle(id, fieldByKey, t)}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((contact) => (
                  <ContactRow
                    key={contact.id}
                    contact={contact}
                    columns={columns.visible}
                    users={userNames}
                    selected={selection.all || selection.ids.has(contact.id)}
                    onToggle={() => toggle(contact.id)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          <Group justify="space-between" component="nav" aria-label={t("contacts.pagination.label")}>
            <Text size="sm" c="dimmed" aria-live="polite">
              {t("contacts.pagination.page", { page: cursors.length })}
              {matchCount !== undefined &&
                ` · ${t("contacts.segments.count", { count: matchCount, formatted: n(matchCount) })}`}
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

const NO_QUICK_FILTERS: QuickFilters = { tag_id: [], owner_user_id: null, lifecycle_stage: [] };

function QuickFilterInputs({
  value,
  onChange,
  tags,
  users,
}: {
  value: QuickFilters;
  onChange: (value: QuickFilters) => void;
  tags: { id: string; name: string }[];
  users: { id: string; name: string }[];
}) {
  const { t } = useTranslation();
  return (
    <>
      <MultiSelect
        w={200}
        aria-label={t("contacts.filters.tags")}
        placeholder={value.tag_id.length ? undefined : t("contacts.filters.tags")}
        data={tags.map((tag) => ({ value: tag.id, label: tag.name }))}
        value={value.tag_id}
        onChange={(tag_id) => onChange({ ...value, tag_id })}
        searchable
        clearable
      />
      <Select
        w={180}
        aria-label={t("contacts.filters.owner")}
        placeholder={t("contacts.filters.owner")}
        data={users.map((user) => ({ value: user.id, label: user.name }))}
        value={value.owner_user_id}
        onChange={(owner_user_id) => onChange({ ...value, owner_user_id })}
        searchable
        clearable
      />
      <MultiSelect
        w={200}
        aria-label={t("contacts.filters.lifecycle")}
        placeholder={value.lifecycle_stage.length ? undefined : t("contacts.filters.lifecycle")}
        data={LIFECYCLE_STAGES.map((stage) => ({ value: stage, label: t(`contacts.lifecycle.${stage}`) }))}
        value={value.lifecycle_stage}
        onChange={(lifecycle_stage) => onChange({ ...value, lifecycle_stage })}
        clearable
      />
    </>
  );
}

type T = ReturnType<typeof useTranslation>["t"];

function columnTitle(id: ColumnId, fields: Map<string, CustomField>, t: T): string {
  if (id.startsWith("field:")) {
    const key = id.slice("field:".length);
    return fields.get(key)?.label ?? key;
  }
  return t(`contacts.table.${id}`);
}

function ColumnsMenu({
  available,
  chosen,
  toggle,
  fields,
}: {
  available: ColumnId[];
  chosen: ColumnId[];
  toggle: (id: ColumnId) => void;
  fields: Map<string, CustomField>;
}) {
  const { t } = useTranslation();
  return (
    <Popover withinPortal position="bottom-end" shadow="md">
      <Popover.Target>
        <Button variant="default" leftSection={<IconColumns size={16} />}>
          {t("contacts.columns.button")}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={6} role="group" aria-label={t("contacts.columns.label")}>
          <Text size="xs" c="dimmed" fw={500}>
            {t("contacts.columns.label")}
          </Text>
          {available.map((id) => (
            <Checkbox
              key={id}
              size="sm"
              label={columnTitle(id, fields, t)}
              checked={chosen.includes(id)}
              onChange={() => toggle(id)}
            />
          ))}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

function ContactRow({
  contact,
  columns,
  users,
  selected,
  onToggle,
}: {
  contact: CrmContact;
  columns: ColumnId[];
  users: Map<string, string>;
  selected: boolean;
  onToggle: () => void;
}) {
  const { t, i18n } = useTranslation();
  const name = contact.name || contactLabel(contact) || t("contacts.unnamed");
  const date = (value: string | null | undefined) =>
    value ? new Date(value).toLocaleDateString(i18n.language) : "—";
  const cell = (id: ColumnId) => {
    if (id.startsWith("field:")) {
      const key = id.slice("field:".length);
      return fieldText(contact.fields?.[key] as FieldValue | undefined, t("contacts.fields.yes"), t("contacts.fields.no"));
    }
    switch (id) {
      case "phone":
        return contact.phone ?? "—";
      case "email":
        return contact.email ?? "—";
      case "user_id":
        return (
          <Text size="sm" truncate maw={220}>
            {contact.user_id ?? "—"}
          </Text>
        );
      case "tags":
        return contact.tags?.length ? (
          <Group gap={4}>
            {contact.tags.map((tag) => (
              <Badge key={tag.id} size="sm" variant="light" color={tag.color || undefined}>
                {tag.name}
              </Badge>
            ))}
          </Group>
        ) : (
          "—"
        );
      case "owner":
        return contact.owner_user_id ? users.get(contact.owner_user_id) ?? t("contacts.detail.someone") : "—";
      case "lifecycle":
        return contact.lifecycle_stage
          ? t(`contacts.lifecycle.${contact.lifecycle_stage}`, { defaultValue: contact.lifecycle_stage })
          : "—";
      case "source":
        return contact.source ?? "—";
      case "language":
        return contact.language ?? "—";
      case "last_inbound":
        return date(contact.last_inbound_at);
      case "created":
        return date(contact.created_at);
      default:
        return "—";
    }
  };
  return (
    <Table.Tr bg={selected ? "var(--mantine-primary-color-light)" : undefined}>
      <Table.Td>
        <Checkbox aria-label={t("contacts.selection.one", { name })} checked={selected} onChange={onToggle} />
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/contacts/${contact.id}`} fw={500}>
          {name}
        </Anchor>
      </Table.Td>
      {columns.map((id) => (
        <Table.Td key={id} style={{ whiteSpace: id === "tags" ? undefined : "nowrap" }}>
          {cell(id)}
        </Table.Td>
      ))}
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
        <Group gap="xs" justify="center">
          <Button component={Link} to="/inbox" variant="light">
            {t("empty.contacts.action")}
          </Button>
          <Button component={Link} to="/contacts/import" variant="default">
            {t("contacts.import")}
          </Button>
        </Group>
        {import.meta.env.DEV && (
          <Text c="dimmed" size="xs">
            {t("contacts.simulate")}
          </Text>
        )}
      </Stack>
    </Center>
  );
}
