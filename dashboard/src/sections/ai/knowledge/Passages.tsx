// Passages the bot read (or would read), each with its document, heading, fused score and
// similarity: the retrieval tester and a run's sources show them alike.
import { Badge, Card, Group, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { formatScore, formatSimilarity } from "../queries";

export interface PassageLike {
  chunk_id: string;
  document_title: string;
  heading?: string | null;
  text: string;
  score: number;
  similarity: number;
}

export function Passages({ passages, label }: { passages: PassageLike[]; label: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack gap="xs" component="ol" aria-label={label} style={{ listStyle: "none", padding: 0, margin: 0 }}>
      {passages.map((passage) => (
        <Card key={passage.chunk_id} withBorder padding="sm" component="li" data-testid="passage">
          <Group justify="space-between" gap="xs" mb={4} wrap="wrap">
            <Text size="sm" fw={600}>
              {passage.document_title}
              {passage.heading ? ` › ${passage.heading}` : ""}
            </Text>
            <Group gap={4}>
              <Badge variant="light" color="blue">
                {t("ai.run.score", { score: formatScore(passage.score) })}
              </Badge>
              <Badge variant="light" color="indigo">
                {t("ai.run.similarity", { similarity: formatSimilarity(passage.similarity, i18n.language) })}
              </Badge>
            </Group>
          </Group>
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }} lineClamp={6}>
            {passage.text}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}
