// The last 30 days of model usage: totals, this month's budget, and cost by day as bars (an
// SVG of our own: one chart does not justify a charting library), or by persona or model as
// a table. The totals come from the day grouping whatever is shown below them.
import { Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type UsagePoint, getUsage } from "../../../api/aiApi";
import { LoadFailed, Loading } from "../LoadState";
import { aiKeys } from "../queries";
import { type UsageGrouping, UsageTable } from "./UsageTable";

const DAYS = 30;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function usageRange(now: Date): { from: string; to: string } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const from = new Date(to.getTime() - (DAYS - 1) * 86_400_000);
  return { from: isoDay(from), to: isoDay(to) };
}

export function UsagePanel() {
  const { t, i18n } = useTranslation();
  const { from, to } = usageRange(new Date());
  const [grouping, setGrouping] = useState<"day" | UsageGrouping>("day");
  const query = useQuery({ queryKey: aiKeys.usage(from, to, "day"), queryFn: () => getUsage({ from, to }) });
  const money = (value: string | number | null | undefined) =>
    new Intl.NumberFormat(i18n.language, { style: "currency", currency: "USD", maximumFractionDigits: 4 }).format(Number(value ?? 0));
  const count = (value: number) => value.toLocaleString(i18n.language);

  return (
    <Stack gap="sm">
      <Title order={3}>{t("ai.usage.title")}</Title>
      <Text size="sm" c="dimmed">
        {t("ai.usage.range")}
      </Text>
      {query.isError ? (
        <LoadFailed title={t("ai.usage.loadFailed")} error={query.error} retry={() => void query.refetch()} />
      ) : query.isPending ? (
        <Loading label={t("ai.usage.loading")} />
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, md: 5 }}>
            <Figure label={t("ai.usage.calls")} value={count(query.data.totals.calls)} />
            <Figure label={t("ai.usage.promptTokens")} value={count(query.data.totals.prompt_tokens)} />
            <Figure label={t("ai.usage.completionTokens")} value={count(query.data.totals.completion_tokens)} />
            <Figure label={t("ai.usage.cost")} value={money(query.data.totals.cost_usd)} />
            <Figure
              label={t("ai.usage.budgetLeft")}
              value={query.data.budget.left_usd == null ? t("ai.usage.noBudget") : money(query.data.budget.left_usd)}
            />
          </SimpleGrid>
          <SegmentedControl
            aria-label={t("ai.usage.grouping")}
            value={grouping}
            onChange={(value) => setGrouping(value as typeof grouping)}
            data={(["day", "persona", "model"] as const).map((value) => ({ value, label: t(`ai.usage.by.${value}`) }))}
            style={{ alignSelf: "flex-start" }}
          />
          {grouping === "day" ? (
            <CostChart series={query.data.series} money={money} />
          ) : (
            <UsageTable grouping={grouping} from={from} to={to} money={money} count={count} />
          )}
        </>
      )}
    </Stack>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value}
      </Text>
    </Paper>
  );
}

const WIDTH = 600;
const HEIGHT = 140;

export function CostChart({ series, money }: { series: UsagePoint[]; money: (value: string | number) => string }) {
  const { t } = useTranslation();
  const costs = series.map((point) => Number(point.cost_usd));
  const highest = Math.max(...costs, 0);
  const slot = WIDTH / Math.max(series.length, 1);
  return (
    <Paper withBorder p="sm">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 16}`} width="100%" role="img" aria-label={t("ai.usage.chart")}>
        <title>{t("ai.usage.chart")}</title>
        {series.map((point, index) => {
          const cost = costs[index] ?? 0;
          // A day with calls but a tiny cost still shows a sliver.
          const height = highest > 0 ? Math.max((cost / highest) * HEIGHT, point.calls > 0 ? 2 : 0) : 0;
          return (
            <rect
              key={point.key ?? index}
              x={index * slot + slot * 0.15}
              y={HEIGHT - height}
              width={slot * 0.7}
              height={height}
              fill="var(--mantine-color-blue-filled)"
            >
              <title>{t("ai.usage.bar", { day: point.key, cost: money(cost), calls: point.calls })}</title>
            </rect>
          );
        })}
        <line x1={0} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} stroke="var(--mantine-color-default-border)" />
        {series.length > 0 && (
          <>
            <text x={0} y={HEIGHT + 14} fontSize={11} fill="currentColor">
              {series[0]!.key}
            </text>
            <text x={WIDTH} y={HEIGHT + 14} fontSize={11} textAnchor="end" fill="currentColor">
              {series[series.length - 1]!.key}
            </text>
          </>
        )}
      </svg>
    </Paper>
  );
}
