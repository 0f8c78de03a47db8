// Why the bot did what it did: the decision, its reason and detail, the mode, the model, the
// passages it read with their scores and the tools it called. The console shows it under
// each answer; the inbox opens it from a bot's message (GET /api/v1/ai/runs/{id}).
import { Badge, Code, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { type Run, getRun } from "../../api/aiApi";
import { Passages } from "./knowledge/Passages";
import { LoadFailed, Loading } from "./LoadState";
import { aiKeys } from "./queries";

const DECISION_COLOR: Record<Run["decision"], string> = {
  reply: "brand",
  handoff: "grape",
  silent: "gray",
  applied: "brand",
  suggested: "indigo",
};

export function RunDetails({ run }: { run: Run }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" data-testid="run-details">
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={600}>
          {t("ai.run.decision")}:
        </Text>
        <Badge color={DECISION_COLOR[run.decision]} variant="light">
          {t(`ai.run.decisions.${run.decision}`)}
        </Badge>
        <Text size="sm" fw={600}>
          {t("ai.run.mode")}:
        </Text>
        <Text size="sm">{t(`ai.run.modes.${run.mode}`)}</Text>
        {run.model && (
          <>
            <Text size="sm" fw={600}>
              {t("ai.run.model")}:
            </Text>
            <Text size="sm">{run.model}</Text>
          </>
        )}
      </Group>
      <Text size="sm">
        <Text span fw={600}>
          {t("ai.run.reason")}:
        </Text>{" "}
        <Code>{run.reason}</Code>
      </Text>
      {run.detail && (
        <Text size="sm">
          <Text span fw={600}>
            {t("ai.run.detail")}:
          </Text>{" "}
          {run.detail}
        </Text>
      )}
      <Title order={4} size="sm">
        {t("ai.run.sources")}
      </Title>
      {run.sources.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("ai.run.noSources")}
        </Text>
      ) : (
        <Passages passages={run.sources} label={t("ai.run.sources")} />
      )}
      {run.tool_calls.length > 0 && (
        <>
          <Title order={4} size="sm">
            {t("ai.run.tools")}
          </Title>
          <Code block>{JSON.stringify(run.tool_calls, null, 2)}</Code>
        </>
      )}
    </Stack>
  );
}

/** The run behind a bot's message, loaded when opened. */
export function RunModal({ runId, onClose }: { runId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={runId !== null} onClose={onClose} title={t("ai.run.title")} size="lg" closeButtonProps={{ "aria-label": t("ai.close") }}>
      {runId && <LoadedRun runId={runId} />}
    </Modal>
  );
}

function LoadedRun({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const query = useQuery({ queryKey: aiKeys.run(runId), queryFn: () => getRun(runId), staleTime: Infinity });
  if (query.isError) return <LoadFailed title={t("ai.run.failed")} error={query.error} retry={() => void query.refetch()} />;
  if (query.isPending) return <Loading label={t("ai.run.loading")} />;
  return <RunDetails run={query.data} />;
}
