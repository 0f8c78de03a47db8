// Everything that happened with the contact, newest first: messages, notes, stage changes,
// consent changes, campaign sends; older entries a page at a time.
import { Button, Card, Group, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import {
  IconArrowsExchange,
  IconMessage,
  IconNote,
  IconShieldCheck,
  IconSpeakerphone,
  IconPoint,
} from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { type TimelineItem, listTimeline } from "../crm";
import { contactKeys } from "../queries";

const ICONS: Record<string, typeof IconMessage> = {
  message: IconMessage,
  note: IconNote,
  stage_change: IconArrowsExchange,
  consent: IconShieldCheck,
  campaign: IconSpeakerphone,
};

export function TimelineCard({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const timeline = useInfiniteQuery({
    queryKey: contactKeys.timeline(contactId),
    queryFn: ({ pageParam }) => listTimeline(contactId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const items = timeline.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t("contacts.timeline.title")}
        </Title>
        {timeline.isError ? (
          <Text size="sm" c="red">
            {t("contacts.timeline.loadFailed")}
          </Text>
        ) : timeline.isPending ? (
          <Text size="sm" c="dimmed">
            {t("contacts.timeline.loading")}
          </Text>
        ) : items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("contacts.timeline.empty")}
          </Text>
        ) : (
          <Stack component="ol" gap="xs" p={0} m={0} style={{ listStyle: "none" }} aria-label={t("contacts.timeline.title")}>
            {items.map((item) => (
              <Entry key={`${item.kind}:${item.id}`} item={item} />
            ))}
          </Stack>
        )}
        {timeline.hasNextPage && (
          <Button variant="subtle" size="xs" loading={timeline.isFetchingNextPage} onClick={() => void timeline.fetchNextPage()}>
            {t("contacts.timeline.more")}
          </Button>
        )}
      </Stack>
    </Card>
  );
}

function Entry({ item }: { item: TimelineItem }) {
  const { t, i18n } = useTranslation();
  const Icon = ICONS[item.kind] ?? IconPoint;
  const kind =
    item.kind === "message"
      ? t(item.direction === "out" ? "contacts.timeline.kinds.sent" : "contacts.timeline.kinds.received")
      : t(`contacts.timeline.kinds.${item.kind}`, { defaultValue: item.kind });
  return (
    <Group component="li" gap="sm" wrap="nowrap" align="flex-start">
      <ThemeIcon variant="light" size="md" radius="xl" aria-hidden>
        <Icon size={16} />
      </ThemeIcon>
      <div style={{ minWidth: 0 }}>
        <Text size="sm" fw={500}>
          {kind}
          <Text span size="xs" c="dimmed" ml="xs">
            {new Date(item.at).toLocaleString(i18n.language)}
          </Text>
        </Text>
        {(item.summary || item.text) && (
          <Text size="sm" c="dimmed" style={{ wordBreak: "break-word" }}>
            {item.summary || item.text}
          </Text>
        )}
      </div>
    </Group>
  );
}
