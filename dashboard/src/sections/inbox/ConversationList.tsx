// The conversation list: search (debounced), a filter, unread badges, infinite scroll.
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
  UnstyledButton,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconInbox, IconSearch } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Conversation } from "../../api/inbox";
import { relativeTime } from "./format";
import { type ConversationFilter, fetchConversations, inboxKeys } from "./queries";

const FILTERS: ConversationFilter[] = ["all", "unread", "mine", "unassigned"];

interface ConversationListProps {
  selectedId?: string;
  onSelect: (conversation: Conversation) => void;
}

export function ConversationList({ selectedId, onSelect }: ConversationListProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const [filter, setFilter] = useState<ConversationFilter>("all");
  const query = useInfiniteQuery({
    queryKey: inboxKeys.conversations(filter, q),
    queryFn: ({ pageParam }) => fetchConversations(filter, q, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="sm" h="100%">
      <TextInput
        aria-label={t("inbox.search")}
        placeholder={t("inbox.search")}
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
      />
      <SegmentedControl
        fullWidth
        size="xs"
        value={filter}
        onChange={(value) => setFilter(value as ConversationFilter)}
        data={FILTERS.map((value) => ({ value, label: t(`inbox.filter.${value}`) }))}
      />
      <ScrollArea style={{ flex: 1 }} type="auto">
        {query.isPending ? (
          <ListSkeleton />
        ) : query.isError ? (
          <Alert color="red">{t("inbox.loadFailed")}</Alert>
        ) : items.length === 0 ? (
          q || filter !== "all" ? (
            <Text c="dimmed" ta="center" py="xl">
              {t("inbox.noMatch")}
            </Text>
          ) : (
            <InboxEmpty />
          )
        ) : (
          <Stack gap={2}>
            {items.map((conversation) => (
              <ConversationRow
                key={conversation.id}
                conversation={conversation}
                selected={conversation.id === selectedId}
                onSelect={onSelect}
              />
            ))}
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
  conversation,
  selected,
  onSelect,
}: {
  conversation: Conversation;
  selected: boolean;
  onSelect: (conversation: Conversation) => void;
}) {
  const { t, i18n } = useTranslation();
  const { contact, last_message: last, unread_count: unread } = conversation;
  const name = contact.name || contact.phone || contact.user_id || "—";
  return (
    <UnstyledButton
      onClick={() => onSelect(conversation)}
      aria-current={selected ? "true" : undefined}
      p="sm"
      style={{
        borderRadius: "var(--mantine-radius-md)",
        background: selected ? "var(--mantine-color-default-hover)" : undefined,
      }}
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
    </UnstyledButton>
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
