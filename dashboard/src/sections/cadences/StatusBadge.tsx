// A cadence's status as a coloured badge; "Status:" is read out before it, though not shown.
import { Badge, VisuallyHidden } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { CadenceStatus } from "../../api/cadencesApi";
import { statusColor } from "./queries";

export function StatusBadge({ status }: { status: CadenceStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor(status)} variant="light">
      <VisuallyHidden>{t("cadences.statusPrefix")}</VisuallyHidden>
      {t(`cadences.status.${status}`)}
    </Badge>
  );
}
