// The company's model and what it cost: the settings (managers change them) and the usage.
import { Divider, Skeleton, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { getModelSettings } from "../../api/aiApi";
import { atLeast, useAccess } from "../team/roles";
import { AiNav } from "./AiNav";
import { LoadFailed } from "./LoadState";
import { ModelForm } from "./model/ModelForm";
import { UsagePanel } from "./model/UsagePanel";
import { aiKeys } from "./queries";

export default function ModelPage() {
  const { t } = useTranslation();
  const { role } = useAccess();
  const query = useQuery({ queryKey: aiKeys.model, queryFn: getModelSettings });
  return (
    <Stack gap="md">
      <AiNav />
      <Title order={2}>{t("ai.model.title")}</Title>
      <Text c="dimmed">{t("ai.model.intro")}</Text>
      {query.isError ? (
        <LoadFailed title={t("ai.model.loadFailed")} error={query.error} retry={() => void query.refetch()} />
      ) : query.isPending ? (
        <Skeleton height={240} aria-label={t("ai.model.loading")} />
      ) : (
        <ModelForm key={query.data?.version ?? "none"} settings={query.data} canEdit={atLeast(role, "manager")} />
      )}
      <Divider />
      <UsagePanel />
    </Stack>
  );
}
