// The console's conversation: each customer message, then the persona's answer part by
// part, or its handoff with what the customer is told, and the decision behind it.
import { Alert, Box, Collapse, Group, Loader, Paper, Stack, Text, UnstyledButton } from "@mantine/core";
import { IconChevronDown, IconChevronRight } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ConsoleAnswer } from "../../../api/aiApi";
import { RunDetails } from "../RunDetails";

export interface Turn {
  customer: string;
  /** null while the persona decides. */
  answer: ConsoleAnswer | null;
}

export function Transcript({ turns, personaName, thinking }: { turns: Turn[]; personaName: string; thinking: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" role="log" aria-label={t("ai.console.transcript")} aria-live="polite">
      {turns.length === 0 && <Text c="dimmed">{t("ai.console.empty")}</Text>}
      {turns.map((turn, index) => (
        <Stack key={index} gap={6}>
          <Bubble side="customer" author={t("ai.console.customer")} text={turn.customer} />
          {turn.answer && <Answer answer={turn.answer} personaName={personaName} />}
        </Stack>
      ))}
      {thinking && (
        <Group gap="xs" role="status">
          <Loader size="xs" />
          <Text size="sm" c="dimmed">
            {t("ai.console.thinking")}
          </Text>
        </Group>
      )}
    </Stack>
  );
}

function Bubble({ side, author, text }: { side: "customer" | "bot"; author: string; text: string }) {
  return (
    <Box style={{ alignSelf: side === "customer" ? "flex-start" : "flex-end", maxWidth: "80%" }} data-testid={`console-${side}`}>
      <Text size="xs" c="dimmed">
        {author}
      </Text>
      <Paper p="xs" radius="md" bg={side === "customer" ? "var(--mantine-color-default-hover)" : "var(--mantine-color-blue-light)"}>
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
          {text}
        </Text>
      </Paper>
    </Box>
  );
}

function Answer({ answer, personaName }: { answer: ConsoleAnswer; personaName: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(true);
  const bot = t("ai.console.bot", { name: personaName });
  return (
    <Stack gap={6}>
      {answer.run.decision === "reply" &&
        answer.parts.map((part, index) => <Bubble key={index} side="bot" author={bot} text={part} />)}
      {answer.run.decision === "handoff" && (
        <Alert color="grape" title={t("ai.console.handoffTitle")} data-testid="console-handoff">
          {answer.customer_message && (
            <Text size="sm">
              {t("ai.console.customerTold")} <q>{answer.customer_message}</q>
            </Text>
          )}
        </Alert>
      )}
      {answer.run.decision === "silent" && (
        <Text size="sm" c="dimmed">
          {t("ai.console.silent")}
        </Text>
      )}
      <UnstyledButton onClick={() => setOpen((value) => !value)} aria-expanded={open}>
        <Group gap={4}>
          {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
          <Text size="sm" fw={600}>
            {t("ai.console.why")}
          </Text>
        </Group>
      </UnstyledButton>
      <Collapse in={open}>
        <Paper withBorder p="sm">
          <RunDetails run={answer.run} />
        </Paper>
      </Collapse>
    </Stack>
  );
}
