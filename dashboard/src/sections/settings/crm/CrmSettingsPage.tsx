// The crm's settings: custom fields, tags, the consent rules (opt-out and opt-in keywords,
// their confirmation replies, whether marketing needs consent) and the default country
// phone numbers are read in. Everyone reads them; managers and above change them.
import { Alert, Anchor, Group, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft, IconLock } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { atLeast, useAccess } from "../../team/roles";
import { ConsentForm } from "./ConsentForm";
import { CustomFieldsSection } from "./CustomFieldsSection";
import { TagsSection } from "./TagsSection";

export default function CrmSettingsPage() {
  const { t } = useTranslation();
  const { me, role } = useAccess();
  const canEdit = atLeast(role, "manager");
  return (
    <Stack gap="lg" maw={1000}>
      <Anchor component={Link} to="/settings" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          {t("contacts.crmSettings.back")}
        </Group>
      </Anchor>
      <div>
        <Title order={2}>{t("contacts.crmSettings.title")}</Title>
        <Text c="dimmed">{t("contacts.crmSettings.subtitle")}</Text>
      </div>
      {me.data && !canEdit && (
        <Alert icon={<IconLock size={18} />} color="gray">
          {t("contacts.crmSettings.readOnly")}
        </Alert>
      )}
      <CustomFieldsSection canEdit={canEdit} />
      <TagsSection canEdit={canEdit} />
      <ConsentForm canEdit={canEdit} />
    </Stack>
  );
}
