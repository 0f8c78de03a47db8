// A template's status at Meta as a badge, and why Meta rejected it when it did.
import { Badge, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Template } from "../../api/campaignsApi";
import { metaBadge } from "./queries";

export function MetaStatus({ template }: { template: Pick<Template, "channel" | "meta_status" | "meta_reason"> }) {
  const { t } = useTranslation();
  if (template.channel === "sms") return <Text size="sm" c="dimmed">—</Text>;
  const { kind, color } = metaBadge(template.meta_status);
  return (
    <Stack gap={2} align="flex-start">
      <Badge color={color} variant="light">
        {t(`templates.meta.${kind}`, { status: template.meta_status })}
      </Badge>
      {kind === "rejected" && template.meta_reason && (
        <Text size="xs" c="red.8">
          {t("templates.meta.reason", { reason: template.meta_reason })}
        </Text>
      )}
    </Stack>
  );
}
