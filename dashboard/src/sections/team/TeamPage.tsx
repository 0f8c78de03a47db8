// The team section: the company's users and teams and, for admins and owners, invitations
// and the controls to change roles, access and teams. Managers read; agents are told what
// they may not see.
import { Alert, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { InvitationsList, InviteForm } from "./Invitations";
import { useAccess } from "./roles";
import { TeamsSection } from "./TeamsSection";
import { UsersTable } from "./UsersTable";

export default function TeamPage() {
  const { t } = useTranslation();
  const { me, role, userId, canManage, canSeeUsers } = useAccess();

  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={2}>{t("team.title")}</Title>
        {me.data && (
          <Text c="dimmed">{t("team.subtitle", { company: me.data.tenant.name })}</Text>
        )}
      </div>
      {me.isPending ? (
        <Stack gap="sm" aria-busy="true">
          <Skeleton height={36} />
          <Skeleton height={200} />
        </Stack>
      ) : me.isError ? (
        <Alert color="red">{t("team.meFailed")}</Alert>
      ) : !canSeeUsers ? (
        <Alert icon={<IconLock size={18} />} color="gray">
          {t("team.agentOnly")}
        </Alert>
      ) : (
        <>
          {!canManage && (
            <Alert icon={<IconLock size={18} />} color="gray">
              {t("team.readOnly")}
            </Alert>
          )}
          {canManage && <InviteForm role={role} />}
          <Stack gap="sm">
            <Title order={4}>{t("team.users.title")}</Title>
            <UsersTable canManage={canManage} role={role} userId={userId} />
          </Stack>
          <TeamsSection canManage={canManage} />
          {canManage && <InvitationsList />}
        </>
      )}
    </Stack>
  );
}
