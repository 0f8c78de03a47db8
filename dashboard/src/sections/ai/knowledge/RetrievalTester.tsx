// The retrieval tester: a question as a customer would ask it, and the passages the bot
// would read for it, with their scores.
import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { searchKnowledge } from "../../../api/aiApi";
import type { ApiError } from "../../../api/client";
import { describeProblem } from "../../team/problem";
import { Passages } from "./Passages";

export function RetrievalTester({ baseId }: { baseId: string }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const search = useMutation({ mutationFn: (text: string) => searchKnowledge(baseId, text, 5) });
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3}>{t("ai.knowledge.tester.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("ai.knowledge.tester.intro")}
        </Text>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (query.trim()) search.mutate(query.trim());
          }}
        >
          <Group align="flex-end" gap="xs">
            <TextInput
              label={t("ai.knowledge.tester.query")}
              value={query}
              onChange={(event) => setQuery(event.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Button type="submit" leftSection={<IconSearch size={16} />} loading={search.isPending}>
              {t("ai.knowledge.tester.submit")}
            </Button>
          </Group>
        </form>
        {search.isError && (
          <Alert color="red" title={t("ai.knowledge.tester.failed")}>
            {describeProblem((search.error as ApiError).problem, "")}
          </Alert>
        )}
        {search.data &&
          (search.data.length === 0 ? (
            <Text c="dimmed">{t("ai.knowledge.tester.none")}</Text>
          ) : (
            <Passages passages={search.data} label={t("ai.knowledge.tester.results")} />
          ))}
      </Stack>
    </Paper>
  );
}
