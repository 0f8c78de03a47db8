// The settings page's way to the crm settings.
import { Anchor, Group, Paper, Text } from "@mantine/core";
import { IconAddressBook, IconChevronRight } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

export function CrmSettingsLink() {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <IconAddressBook size={22} stroke={1.5} aria-hidden />
          <div>
            <Anchor component={Link} to="/settings/crm" fw={600}>
              {t("contacts.crmSettings.link")}
            </Anchor>
            <Text size="sm" c="dimmed">
              {t("contacts.crmSettings.linkHint")}
            </Text>
          </div>
        </Group>
        <IconChevronRight size={18} aria-hidden />
      </Group>
    </Paper>
  );
}
