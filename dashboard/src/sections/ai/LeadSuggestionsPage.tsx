// Every pending lead suggestion of the company, for whoever decides them.
import { Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { AiNav } from "./AiNav";
import { LeadSuggestions } from "./LeadSuggestions";

export default function LeadSuggestionsPage() {
  const { t } = useTranslation();
  return (
    <Stack gap="md" maw={900}>
      <AiNav />
      <Title order={2}>{t("ai.suggestions.title")}</Title>
      <Text c="dimmed">{t("ai.suggestions.intro")}</Text>
      <LeadSuggestions />
    </Stack>
  );
}
