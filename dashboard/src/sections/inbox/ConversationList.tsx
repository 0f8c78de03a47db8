// The conversation list: search (debounced), a filter and a team, unread badges, infinite
// scroll.
// The rows are a listbox (one tab stop): ArrowUp/ArrowDown or k/j move, Home/End jump,
// Enter or Space opens; the open conversation is its selected option.
import {
  Alert,
  Badge,
  Button,
  Center,
  Group,
  ScrollArea,
  SegmentedControl,
  Skeleton,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconInbox, IconSearch } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { type KeyboardEvent, type Ref, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Conversation } from "../../api/inbox";
import { relativeTime } from "./format";
import classes from "./inbox.module.css";
import { type ConversationFilter, fetchConversations, inboxKeys } from "./queries";
import { TeamFilter } from "./TeamControls";
import { teamOf, useTeams } from "./teams";

const FILTERS: ConversationFilter[] = ["all", "unread", "mine", "unassigned"];

interface ConversationListProps {
  selectedId?: string;
  onSelect: (conversation: Conversation) => void;
  /** the search box, for the page's "/" shortcut */
  searchRef?: Ref<HTMLInputElement>;
  /** move the keyboard focus to this conversation's row once it is shown (back from it) */
  focusId?: string | null;
}

export function ConversationList({ selectedId, onSelect, searchRef, focusId }: ConversationListProps) {
  const { t } = useTranslation();
  const baseId = useId();
  const [activeId, setActiveId] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [filter, setFilter] = useState<ConversationFilter>("all");
  const [pickedTeam, setPickedTeam] = useState<string | null>(null);
  // A team removed since it was picked filters nothing any more.
  const teamId = teamOf(useTeams().data, pickedTeam) ? pickedTeam : null;
  const query = useInfiniteQuery({
    queryKey: inboxKeys.conversations(filter, q, teamId),
    queryFn: ({ pageParam }) => fetchConversations(filter, q, pageParam, teamId),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  // The row that takes the tab stop: the one last moved to, else the open one, else the first.
  const current =
    items.find((item) => item.id === activeId) ??
    items.find((item) => item.id === selectedId) ??
    items[0];
  const optionId = (id: string) => `${baseId}-${id}`;

  const focusRow = (conversation: Conversation | undefined) => {
    if (!conversation) return;
    setActiveId(conversation.id);
    document.getElementById(optionId(conversation.id))?.focus();
  };

  const focusTarget = items.some((item) => item.id === focusId) ? focusId : null;
  useEffect(() => {
    if (focusTarget) document.getElementById(`${baseId}-${focusTarget}`)?.focus();
  }, [focusTarget, baseId]);

  const onListKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const index = current ? items.indexOf(current) : -1;
    let next: Conversation | undefined;
    switch (event.key) {
      case "ArrowDown":
      case "j":
        next = items[Math.min(items.length - 1, index + 1)];
        if (index === items.length - 1 && query.hasNextPage && !query.isFetchingNextPage) {
          void query.fetchNextPage();
        }
        break;
      case "ArrowUp":
      case "k":
        next = items[Math.max(0, index - 1)];
        break;
      case "Home":
        next = items[0];
        break;
      case "End":
        next = items.at(-1);
        break;
      case "Enter":
      case " ":
        event.preventDefault();
        if (current) onSelect(current);
        return;
      default:
        return;
    }
    event.preventDefault();
    focusRow(next);
  };

  return (
    <Stack gap="sm" h="100%">
      <TextInput
        ref={searchRef}
        aria-label={t("inbox.search")}
        aria-keyshortcuts="/"
        placeholder={t("inbox.search")}
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        onKeyDown={(event) => {
          // Down from the search box goes to the results.
          if (event.key === "ArrowDown" && items.length > 0) {
            event.preventDefault();
            focusRow(current);
          }
        }}
      />
      <SegmentedControl
        fullWidth
        size="xs"
        value={filter}
        onChange={(value) => setFilter(value as ConversationFilter)}
        data={FILTERS.map((value) => ({ value, label: t(`inbox.filter.${value}`) }))}
      />
      <TeamFilter value={teamId} onChange={setPickedTeam} />
      <ScrollArea style={{ flex: 1 }} type="auto">
        {query.isPending ? (
          <ListSkeleton />
        ) : query.isError ? (
          <Alert color="red">{t("inbox.loadFailed")}</Alert>
        ) : items.length === 0 ? (
          q || filter !== "all" || teamId ? (
            <Text c="dimmed" ta="center" py="xl">
              {t("inbox.noMatch")}
            </Text>
          ) : (
            <InboxEmpty />
          )
        ) : (
          <Stack gap={2}>
            <div
              role="listbox"
              aria-label={t("inbox.list")}
              aria-describedby={`${baseId}-help`}
              onKeyDown={onListKeyDown}
              style={{ display: "flex", flexDirection: "column", gap: 2 }}
            >
              {items.map((conversation) => (
                <ConversationRow
                  key={conversation.id}
                  id={optionId(conversation.id)}
                  conversation={conversation}
                  selected={conversation.id === selectedId}
                  tabbable={conversation.id === current?.id}
                  onSelect={(picked) => {
                    setActiveId(picked.id);
                    onSelect(picked);
                  }}
                  onFocus={() => setActiveId(conversation.id)}
                />
              ))}
            </div>
            <VisuallyHidden id={`${baseId}-help`}>{t("inbox.listHelp")}</VisuallyHidden>
            {query.hasNextPage && (
              <LoadMore
                loading={query.isFetchingNextPage}
                onMore={() => void query.fetchNextPage()}
              />
            )}
          </Stack>
        )}
      </ScrollArea>
    </Stack>
  );
}

function ConversationRow({
  id,
  conversation,
  selected,
  tabbable,
  onSelect,
  onFocus,
}: {
  id: string;
  conversation: Conversation;
  selected: boolean;
  tabbable: boolean;
  onSelect: (conversation: Conversation) => void;
  onFocus: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { contact, last_message: last, unread_count: unread } = conversation;
  const name = contact.name || contact.phone || contact.user_id || "—";
  return (
    <div
      id={id}
      role="option"
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      className={classes.row}
      data-conversation-id={conversation.id}
      onClick={() => onSelect(conversation)}
      onFocus={onFocus}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text fw={unread ? 700 : 500} truncate>
          {name}
        </Text>
        {last.at && (
          <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
            {relativeTime(last.at, i18n.language)}
          </Text>
        )}
      </Group>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" c="dimmed" truncate>
          {last.preview
            ? `${last.direction === "out" ? t("inbox.you") : ""}${last.preview}`
            : t("inbox.noPreview")}
        </Text>
        {unread > 0 && (
          <Badge size="sm" circle={unread < 10} aria-label={t("inbox.unread", { count: unread })}>
            {unread}
          </Badge>
        )}
      </Group>
    </div>
  );
}

/** Fetches the next page when it scrolls into view; a button where that is not supported. */
function LoadMore({ loading, onMore }: { loading: boolean; onMore: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const more = useRef(onMore);
  more.current = onMore;
  useEffect(() => {
    if (!ref.current || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) more.current();
    });
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, []);
  return (
    <Center ref={ref} py="xs">
      <Button variant="subtle" size="xs" loading={loading} onClick={onMore}>
        {t("inbox.loadMore")}
      </Button>
    </Center>
  );
}

function ListSkeleton() {
  return (
    <Stack gap="md" p="sm" data-testid="conversations-loading">
      {Array.from({ length: 6 }, (_, index) => (
        <Stack key={index} gap={6}>
          <Skeleton height={12} width="60%" />
          <Skeleton height={10} width="90%" />
        </Stack>
      ))}
    </Stack>
  );
}

function InboxEmpty() {
  const { t } = useTranslation();
  return (
    <Center py="xl">
      <Stack align="center" ta="center" gap="sm" maw={320}>
        <ThemeIcon size={48} radius="xl" variant="light">
          <IconInbox size={26} stroke={1.5} />
        </ThemeIcon>
        <Title order={4}>{t("empty.inbox.title")}</Title>
        <Text c="dimmed" size="sm">
          {t("empty.inbox.body")}
        </Text>
        <Button component={Link} to="/connections" variant="light">
          {t("empty.inbox.action")}
        </Button>
        {import.meta.env.DEV && (
          <Text c="dimmed" size="xs">
            {t("inbox.simulate")}
          </Text>
        )}
      </Stack>
    </Center>
  );
}
