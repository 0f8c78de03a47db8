// The AI's pending readings of leads (below the persona's confidence threshold, so a person
// decides): the stage it would move the lead to, the score and fields it read, how sure it
// is and why; accepting applies it through the crm, dismissing drops it. All of them on the
// AI section's page, a contact's in the inbox.
import { Anchor, Badge, Button, Card, Group, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconSparkles } from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type LeadSuggestion, acceptLeadSuggestion, dismissLeadSuggestion, listLeadSuggestions } from "../../api/aiApi";
import { ApiError } from "../../api/client";
import { describeProblem } from "../team/problem";
import { LoadFailed, Loading } from "./LoadState";
import { Pager, useCursors } from "./Pager";
import { PAGE_SIZE, aiKeys, formatSimilarity } from "./queries";
import { RunModal } from "./RunDetails";

export function LeadSuggestions({ contactId = null, compact = false }: { contactId?: string | null; compact?: boolean }) {
  const { t } = useTranslation();
  const cursors = useCursors();
  const query = useQuery({
    queryKey: aiKeys.suggestions(contactId, cursors.cursor),
    queryFn: () => listLeadSuggestions({ cursor: cursors.cursor, limit: compact ? 5 : PAGE_SIZE, contactId }),
    placeholderData: keepPreviousData,
    retry: compact ? false : undefined,
  });
  const [why, setWhy] = useState<string | null>(null);
  if (compact) {
    // In the inbox: only when there is something to decide.
    if (!query.data?.items.length) return null;
    return (
      <Stack gap={6} px="sm" py={6}>
        {query.data.items.map((suggestion) => (
          <SuggestionCard key={suggestion.id} suggestion={suggestion} onWhy={setWhy} compact />
        ))}
        <RunModal runId={why} onClose={() => setWhy(null)} />
      </Stack>
    );
  }
  if (query.isError) return <LoadFailed title={t("ai.suggestions.loadFailed")} error={query.error} retry={() => void query.refetch()} />;
  if (query.isPending) return <Loading label={t("ai.suggestions.loading")} />;
  if (query.data.items.length === 0 && cursors.page === 1) return <Text c="dimmed">{t("ai.suggestions.empty")}</Text>;
  return (
    <Stack gap="sm">
      {query.data.items.map((suggestion) => (
        <SuggestionCard key={suggestion.id} suggestion={suggestion} onWhy={setWhy} />
      ))}
      <Pager cursors={cursors} nextCursor={query.data.next_cursor ?? null} />
      <RunModal runId={why} onClose={() => setWhy(null)} />
    </Stack>
  );
}

function SuggestionCard({
  suggestion,
  onWhy,
  compact = false,
}: {
  suggestion: LeadSuggestion;
  onWhy: (runId: string) => void;
  compact?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const done = (message: string) => {
    notifications.show({ color: "green", message });
    void queryClient.invalidateQueries({ queryKey: ["ai", "suggestions"] });
  };
  const failed = (error: unknown) => {
    // Someone else decided it meanwhile: the list is read again.
    if (error instanceof ApiError && error.code === "suggestion_decided")
      void queryClient.invalidateQueries({ queryKey: ["ai", "suggestions"] });
    notifications.show({ color: "red", message: describeProblem((error as ApiError).problem, t("ai.suggestions.failed")) });
  };
  const accept = useMutation({
    mutationFn: () => acceptLeadSuggestion(suggestion.id),
    onSuccess: () => done(t("ai.suggestions.accepted")),
    onError: failed,
  });
  const dismiss = useMutation({
    mutationFn: () => dismissLeadSuggestion(suggestion.id),
    onSuccess: () => done(t("ai.suggestions.dismissed")),
    onError: failed,
  });
  const fields = Object.entries(suggestion.fields ?? {});
  const what = [
    suggestion.stage_name ? t("ai.suggestions.stage", { stage: suggestion.stage_name }) : null,
    suggestion.score != null ? t("ai.suggestions.score", { score: suggestion.score }) : null,
    ...fields.map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`),
  ].filter(Boolean);
  return (
    <Card withBorder padding={compact ? "xs" : "sm"} data-testid="lead-suggestion" aria-label={t("ai.suggestions.label")} component="section">
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Group gap={6}>
          <IconSparkles size={16} aria-hidden />
          <Text size="sm" fw={600}>
            {what.join(" · ") || t("ai.suggestions.nothing")}
          </Text>
          <Badge variant="light" color="indigo">
            {t("ai.suggestions.confidence", { confidence: formatSimilarity(suggestion.confidence, i18n.language) })}
          </Badge>
        </Group>
        <Group gap={4}>
          <Button size="compact-sm" variant="subtle" onClick={() => onWhy(suggestion.run_id)}>
            {t("ai.inbox.why")}
          </Button>
          <Button size="compact-sm" variant="default" loading={dismiss.isPending} disabled={accept.isPending} onClick={() => dismiss.mutate()}>
            {t("ai.suggestions.dismiss")}
          </Button>
          <Button size="compact-sm" loading={accept.isPending} disabled={dismiss.isPending} onClick={() => accept.mutate()}>
            {t("ai.suggestions.accept")}
          </Button>
        </Group>
      </Group>
      <Text size="xs" c="dimmed" mt={4}>
        {suggestion.reason}
      </Text>
      {!compact && (
        <Anchor component={Link} to={`/contacts/${suggestion.contact_id}`} size="xs">
          {t("ai.suggestions.contact")}
        </Anchor>
      )}
    </Card>
  );
}
