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
  consent_change: IconShieldCheck,
  campaign_send: IconSpeakerphone,
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
          <Text size="sm" c="red.9">
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

/** What an entry says beyond its kind: the message, the note, the move, the consent. */
function useDetail(item: TimelineItem): { title: string; body: string | null } {
  const { t } = useTranslation();
  switch (item.kind) {
    case "message":
      return {
        title: t(item.direction === "out" ? "contacts.timeline.kinds.sent" : "contacts.timeline.kinds.received"),
        body: item.text ?? t("contacts.timeline.media", { type: item.type }),
      };
    case "note":
      return { title: t("contacts.timeline.kinds.note"), body: item.text };
    case "stage_change":
      return {
        title: t("contacts.timeline.kinds.stage_change"),
        body: item.from_stage_id
          ? t("contacts.timeline.moved", {
              lead: item.lead_title,
              from: item.from_stage_name ?? "?",
              to: item.to_stage_name ?? "?",
            })
          : t("contacts.timeline.created", { lead: item.lead_title, to: item.to_stage_name ?? "?" }),
      };
    case "consent_change":
      return {
        title: t("contacts.timeline.kinds.consent"),
        body: t("contacts.timeline.consent", {
          channel: t(`contacts.channels.${item.channel}`, { defaultValue: item.channel }),
          status: t(`contacts.consent.statuses.${item.status}`, { defaultValue: item.status }),
          source: t(`contacts.consent.sources.${item.source}`, { defaultValue: item.source }),
        }),
      };
    case "campaign_send":
      return { title: t("contacts.timeline.kinds.campaign"), body: item.status };
  }
}

function Entry({ item }: { item: TimelineItem }) {
  const { i18n } = useTranslation();
  const Icon = ICONS[item.kind] ?? IconPoint;
  const { title, body } = useDetail(item);
  return (
    <Group component="li" gap="sm" wrap="nowrap" align="flex-start">
      <ThemeIcon variant="light" size="md" radius="xl" aria-hidden>
        <Icon size={16} />
      </ThemeIcon>
      <div style={{ minWidth: 0 }}>
        <Text size="sm" fw={500}>
          {title}
          <Text span size="xs" c="dimmed" ml="xs">
            {new Date(item.at).toLocaleString(i18n.language)}
          </Text>
        </Text>
        {body && (
          <Text size="sm" c="dimmed" style={{ wordBreak: "break-word" }}>
            {body}
          </Text>
        )}
      </div>
    </Group>
  );
}
