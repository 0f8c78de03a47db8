// Step 4: the service's own figures for the saved draft (GET /review: recipients, who is
// left out and why, the 24-hour window, the number's daily limit, duration and cost), then
// the launch, now or at the chosen time.
import { Alert, Button, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconInfoCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { type CampaignReview, reviewCampaign } from "../../../api/campaignsApi";
import { wizardKeys } from "../queries";

/** Past this share of what the number may still reach today, the review warns. */
export const NEAR_LIMIT_SHARE = 0.8;

interface ReviewStepProps {
  campaignId: string;
  version: number;
  scheduled: boolean;
  launching: boolean;
  onLaunch: () => void;
  onKeepDraft: () => void;
}

function formatDuration(seconds: number, language: string): string {
  const unit = (value: number, name: "second" | "minute" | "hour" | "day") =>
    new Intl.NumberFormat(language, { style: "unit", unit: name, unitDisplay: "long", maximumFractionDigits: 0 }).format(value);
  if (seconds < 90) return unit(Math.max(1, Math.round(seconds)), "second");
  if (seconds < 90 * 60) return unit(Math.round(seconds / 60), "minute");
  if (seconds < 36 * 3600) return unit(Math.round(seconds / 3600), "hour");
  return unit(Math.round(seconds / 86400), "day");
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="lg" fw={700} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

function DailyLimitNotice({ review, t, number, time }: { review: CampaignReview; t: TFunction; number: (n: number) => string; time: (iso: string) => string }) {
  const limit = review.daily_limit;
  if (review.warnings?.includes("daily_limit_unknown") || (!limit && review.outside_window > 0)) {
    return (
      <Alert color="gray" icon={<IconInfoCircle size={18} />}>
        {t("campaigns.wizard.review.dailyLimitUnknown")}
      </Alert>
    );
  }
  if (!limit) return null;
  if (limit.over_by > 0) {
    return (
      <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t("campaigns.wizard.review.dailyLimit")}>
        {limit.resets_at
          ? t("campaigns.wizard.review.overLimit", { over: number(limit.over_by), resets: time(limit.resets_at) })
          : t("campaigns.wizard.review.overLimitNoReset", { over: number(limit.over_by) })}
      </Alert>
    );
  }
  if (limit.remaining != null && review.outside_window > 0 && review.outside_window >= NEAR_LIMIT_SHARE * limit.remaining) {
    return (
      <Alert color="yellow" icon={<IconAlertTriangle size={18} />} title={t("campaigns.wizard.review.dailyLimit")}>
        {t("campaigns.wizard.review.nearLimit", { used: number(review.outside_window), remaining: number(limit.remaining) })}
      </Alert>
    );
  }
  return null;
}

export function ReviewStep({ campaignId, version, scheduled, launching, onLaunch, onKeepDraft }: ReviewStepProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const review = useQuery({
    queryKey: wizardKeys.review(campaignId, version),
    queryFn: () => reviewCampaign(campaignId),
    staleTime: 30_000,
  });
  const number = (n: number) => new Intl.NumberFormat(language).format(n);
  const time = (iso: string) => new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

  if (review.isPending) {
    return (
      <Group gap="xs">
        <Loader size="sm" aria-hidden />
        <Text size="sm">{t("campaigns.wizard.review.loading")}</Text>
      </Group>
    );
  }
  if (review.isError) {
    return (
      <Alert color="red" title={t("campaigns.wizard.review.failed")}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{review.error.message}</Text>
          <Button size="xs" variant="light" onClick={() => void review.refetch()}>
            {t("campaigns.wizard.review.retry")}
          </Button>
        </Stack>
      </Alert>
    );
  }
  const figures = review.data;
  const excluded = Object.entries(figures.excluded).filter(([, count]) => count > 0);
  const limit = figures.daily_limit;
  const cost = new Intl.NumberFormat(language, { style: "currency", currency: figures.cost.currency || "USD" });
  const countries = Object.entries(figures.cost.by_country ?? {});

  return (
    <Stack gap="md" component="section" aria-labelledby="campaign-review">
      <Title order={3} size="h4" id="campaign-review">
        {t("campaigns.wizard.review.title")}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
        <Figure label={t("campaigns.wizard.review.recipients")} value={number(figures.recipients)} testId="review-recipients" />
        <Figure label={t("campaigns.wizard.review.members")} value={number(figures.members)} />
        <Figure label={t("campaigns.wizard.review.outsideWindow")} value={number(figures.outside_window)} />
        <Figure
          label={t("campaigns.wizard.review.duration")}
          value={t("campaigns.wizard.review.durationValue", {
            duration: formatDuration(figures.duration_seconds, language),
            rate: number(figures.rate_per_second),
          })}
        />
      </SimpleGrid>

      {figures.recipients === 0 && <Alert color="orange">{t("campaigns.wizard.review.nobody")}</Alert>}
      {figures.template_required && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />}>
          {t("campaigns.wizard.review.templateRequired", { count: figures.outside_window })}
        </Alert>
      )}
      <DailyLimitNotice review={figures} t={t} number={number} time={time} />
      {limit && (
        <Text size="sm">
          {t("campaigns.wizard.review.dailyLimit")}:{" "}
          {limit.limit == null
            ? t("campaigns.wizard.review.dailyLimitUnlimited", { tier: limit.tier })
            : t("campaigns.wizard.review.dailyLimitValue", {
                remaining: number(limit.remaining ?? 0),
                limit: number(limit.limit),
                tier: limit.tier,
              })}
        </Text>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="sm" component="section" aria-labelledby="review-excluded">
          <Title order={4} size="h6" id="review-excluded" mb="xs">
            {t("campaigns.wizard.review.excluded")}
          </Title>
          {excluded.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t("campaigns.wizard.review.excludedNone")}
            </Text>
          ) : (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("campaigns.wizard.review.reason")}</Table.Th>
                  <Table.Th>{t("campaigns.wizard.review.count")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {excluded.map(([reason, count]) => (
                  <Table.Tr key={reason}>
                    <Table.Td>{t(`campaigns.wizard.review.reasons.${reason}`, { defaultValue: reason })}</Table.Td>
                    <Table.Td>{number(count)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
        <Paper withBorder p="sm" component="section" aria-labelledby="review-cost">
          <Title order={4} size="h6" id="review-cost" mb="xs">
            {t("campaigns.wizard.review.cost")}
          </Title>
          <Text size="lg" fw={700} data-testid="review-cost">
            {figures.cost.category === "free" ? t("campaigns.wizard.review.costFree") : cost.format(figures.cost.total)}
          </Text>
          {countries.length > 0 && figures.cost.category !== "free" && (
            <Table mt="xs" aria-label={t("campaigns.wizard.review.byCountry")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("campaigns.wizard.review.country")}</Table.Th>
                  <Table.Th>{t("campaigns.wizard.review.amount")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {countries.map(([country, amount]) => (
                  <Table.Tr key={country}>
                    <Table.Td>{country}</Table.Td>
                    <Table.Td>{cost.format(amount)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      </SimpleGrid>

      <Group gap="sm">
        <Button onClick={onLaunch} loading={launching} disabled={figures.recipients === 0}>
          {scheduled ? t("campaigns.wizard.review.schedule") : t("campaigns.wizard.review.launch")}
        </Button>
        <Button variant="default" onClick={onKeepDraft} disabled={launching}>
          {t("campaigns.wizard.review.saveDraft")}
        </Button>
      </Group>
    </Stack>
  );
}
