// A campaign's progress: one bar per recipient state, out of every recipient in its ledger.
// The counts come from the page's query, which live progress snapshots update in place.
import { Card, Group, Progress, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { type Campaign, RECIPIENT_STATES, type RecipientState } from "../../api/campaignsApi";
import { totalOf } from "./queries";

const STATE_COLOR: Record<RecipientState, string> = {
  queued: "gray",
  requested: "cyan",
  accepted: "blue",
  delivered: "teal",
  read: "green",
  replied: "lime",
  failed: "red",
  excluded: "orange",
  cancelled: "dark",
};

export function Progressbars({ campaign }: { campaign: Campaign }) {
  const { t, i18n } = useTranslation();
  const total = totalOf(campaign);
  const n = (value: number) => value.toLocaleString(i18n.language);
  return (
    <Card withBorder component="section" aria-labelledby="campaign-progress">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5" id="campaign-progress">
          {t("campaigns.detail.progress")}
        </Title>
        <Text size="sm" c="dimmed">
          {total > 0 ? t("campaigns.detail.total", { count: total, formatted: n(total) }) : t("campaigns.detail.noRecipients")}
        </Text>
      </Group>
      {total > 0 && (
        <Stack gap="xs">
          {RECIPIENT_STATES.map((state) => {
            const count = campaign.counts?.[state] ?? 0;
            const label = t(`campaigns.state.${state}`);
            return (
              <Group key={state} gap="sm" wrap="nowrap">
                <Text size="sm" w={110} style={{ flexShrink: 0 }}>
                  {label}
                </Text>
                <Progress
                  value={(count / total) * 100}
                  color={STATE_COLOR[state]}
                  style={{ flex: 1 }}
                  aria-label={t("campaigns.detail.progressLabel", { state: label, count: n(count), total: n(total) })}
                />
                <Text size="sm" w={70} ta="right" data-testid={`count-${state}`}>
                  {n(count)}
                </Text>
              </Group>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}
