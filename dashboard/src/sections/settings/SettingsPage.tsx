// The settings section: the company's profile, time zone and business hours (everyone
// reads, admins and owners change them) and, for admins and owners, the API keys.
import { Alert, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { describeProblem } from "../team/problem";
import { useAccess } from "../team/roles";
import { ApiKeys } from "./ApiKeys";
import { HoursForm } from "./HoursForm";
import { ProfileForm } from "./ProfileForm";
import { CrmSettingsLink } from "./crm/CrmSettingsLink";
import { useTenant } from "./queries";
import { PipelinesLink } from "./pipelines/PipelinesLink";

export default function SettingsPage() {
  const { t } = useTranslation();
  const { me, role, canManage } = useAccess();
  const tenant = useTenant();

  return (
    <Stack gap="lg" maw={1000}>
      <div>
        <Title order={2}>{t("settings.title")}</Title>
        <Text c="dimmed">{t("settings.subtitle")}</Text>
      </div>
      <CrmSettingsLink />
      {me.data && !canManage && (
        <Alert icon={<IconLock size={18} />} color="gray">
          {t("settings.readOnly")}
        </Alert>
      )}
      {tenant.isPending || me.isPending ? (
        <Stack gap="md" aria-busy="true">
          <Skeleton height={160} />
          <Skeleton height={320} />
        </Stack>
      ) : tenant.isError ? (
        <Alert color="red">{describeProblem(tenant.error, t("settings.loadFailed"))}</Alert>
      ) : (
        <>
          <ProfileForm tenant={tenant.data} canManage={canManage} />
          <HoursForm tenant={tenant.data} canManage={canManage} />
          <PipelinesLink />
          {canManage ? (
            <ApiKeys role={role} />
          ) : (
            <Alert icon={<IconLock size={18} />} color="gray" title={t("settings.apiKeys.title")}>
              {t("settings.apiKeys.adminOnly")}
            </Alert>
          )}
        </>
      )}
    </Stack>
  );
}
