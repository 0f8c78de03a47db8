// The settings page's way to the pipelines and stages (their own page).
import { Anchor, Paper, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

export function PipelinesLink() {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md">
      <Anchor component={Link} to="/settings/pipelines" fw={600}>
        {t("pipelines.settings.link")}
      </Anchor>
      <Text size="sm" c="dimmed">
        {t("pipelines.settings.linkHint")}
      </Text>
    </Paper>
  );
}
