// The test console: pick a persona, write as the customer, and see what it would do — each
// answer as the customer would get it (part by part), or the handoff and what the customer
// would be told — with the decision and the passages it read. Nothing is sent.
import { Alert, Button, Group, Paper, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { IconRefresh, IconSend } from "@tabler/icons-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { type ConsoleAnswer, type ConsoleLine, listPersonas, tryPersona } from "../../api/aiApi";
import type { ApiError } from "../../api/client";
import { describeProblem } from "../team/problem";
import { AiNav } from "./AiNav";
import { Transcript, type Turn } from "./console/Transcript";
import { aiKeys } from "./queries";

/** The most lines the console takes (``ConsoleIn.messages``), and the longest line. */
export const CONSOLE_LINES_MAX = 50;
const LINE_LENGTH_MAX = 4096;

/** The conversation's lines: what the customer wrote and what the bot answered. */
export function historyOf(turns: Turn[]): ConsoleLine[] {
  return turns.flatMap((turn): ConsoleLine[] => {
    const lines: ConsoleLine[] = [{ author: "customer", text: turn.customer }];
    const answer = turn.answer;
    if (answer?.parts.length) lines.push(...answer.parts.map((text) => ({ author: "bot" as const, text })));
    else if (answer?.customer_message) lines.push({ author: "bot", text: answer.customer_message });
    return lines;
  });
}

/** What is sent: the newest lines up to the API's limit (the persona answers the last
 *  customer lines, so the oldest are the ones to drop). */
export function sentLines(turns: Turn[]): ConsoleLine[] {
  return historyOf(turns).slice(-CONSOLE_LINES_MAX);
}

export default function ConsolePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const personaId = params.get("persona");
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState("");
  const personas = useQuery({ queryKey: aiKeys.allPersonas, queryFn: () => listPersonas({ cursor: null, limit: 200 }) });
  const persona = personas.data?.items.find((item) => item.id === personaId) ?? null;
  // From here the next message pushes the oldest line out of what is sent.
  const trimming = historyOf(turns.filter((turn) => turn.answer)).length >= CONSOLE_LINES_MAX;

  const ask = useMutation({
    mutationFn: ({ lines }: { lines: ConsoleLine[]; index: number }) => tryPersona(personaId!, lines),
    onSuccess: (answer: ConsoleAnswer, { index }) =>
      setTurns((current) => current.map((turn, at) => (at === index ? { ...turn, answer } : turn))),
  });

  const send = () => {
    const text = draft.trim();
    if (!text || !personaId || ask.isPending) return;
    const next = [...turns.filter((turn) => turn.answer), { customer: text, answer: null }];
    setTurns(next);
    setDraft("");
    ask.mutate({ lines: sentLines(next), index: next.length - 1 });
  };
  const reset = () => {
    setTurns([]);
    ask.reset();
  };

  return (
    <Stack gap="md" maw={900}>
      <AiNav />
      <Title order={2}>{t("ai.console.title")}</Title>
      <Text c="dimmed">{t("ai.console.intro")}</Text>
      <Group align="flex-end" gap="sm">
        <Select
          label={t("ai.console.persona")}
          placeholder={t("ai.console.choosePersona")}
          data={(personas.data?.items ?? []).map((item) => ({ value: item.id, label: item.name }))}
          value={personaId}
          onChange={(value) => {
            setParams(value ? { persona: value } : {}, { replace: true });
            reset();
          }}
          nothingFoundMessage={t("ai.console.noPersonas")}
          searchable
          w={320}
        />
        <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={reset} disabled={turns.length === 0}>
          {t("ai.console.reset")}
        </Button>
      </Group>
      {personas.isSuccess && personas.data.items.length === 0 && <Text c="dimmed">{t("ai.console.noPersonas")}</Text>}
      {persona && (
        <Paper withBorder p="md">
          <Stack gap="md">
            <Transcript turns={turns} personaName={persona.name} thinking={ask.isPending} />
            {ask.isError && (
              <Alert color="red" title={t("ai.console.failed")}>
                {describeProblem((ask.error as ApiError).problem, (ask.error as Error).message)}
              </Alert>
            )}
            {trimming && (
              <Text size="sm" c="dimmed" role="note">
                {t("ai.console.trimmed", { count: CONSOLE_LINES_MAX })}
              </Text>
            )}
            <form
              onSubmit={(event) => {
                event.preventDefault();
                send();
              }}
            >
              <Group align="flex-end" gap="xs">
                <Textarea
                  label={t("ai.console.message")}
                  value={draft}
                  onChange={(event) => setDraft(event.currentTarget.value)}
                  onKeyDown={(event) => {
                    if (event.key === "Enter" && !event.shiftKey) {
                      event.preventDefault();
                      send();
                    }
                  }}
                  autosize
                  minRows={1}
                  maxRows={5}
                  maxLength={LINE_LENGTH_MAX}
                  style={{ flex: 1 }}
                />
                <Button type="submit" leftSection={<IconSend size={16} />} loading={ask.isPending} disabled={!draft.trim()}>
                  {t("ai.console.send")}
                </Button>
              </Group>
            </form>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
