// A section without content yet: what will be here and the next step.
import { Button, Center, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import type { Icon } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

interface EmptyStateProps {
  icon: Icon;
  section: "inbox" | "contacts" | "campaigns" | "connections" | "team" | "settings";
  /** Where the next step leads; without it the action shows as not yet available. */
  actionTo?: string;
}

export function EmptyState({ icon: SectionIcon, section, actionTo }: EmptyStateProps) {
  const { t } = useTranslation();
  return (
    <Center mih="60vh">
      <Stack align="center" maw={420} ta="center" gap="sm">
        <ThemeIcon size={56} radius="xl" variant="light">
          <SectionIcon size={30} stroke={1.5} />
        </ThemeIcon>
        <Title order={3}>{t(`empty.${section}.title`)}</Title>
        <Text c="dimmed">{t(`empty.${section}.body`)}</Text>
        {actionTo ? (
          <Button component={Link} to={actionTo} variant="light">
            {t(`empty.${section}.action`)}
          </Button>
        ) : (
          <Button variant="light" disabled>
            {t(`empty.${section}.action`)}
          </Button>
        )}
      </Stack>
    </Center>
  );
}
