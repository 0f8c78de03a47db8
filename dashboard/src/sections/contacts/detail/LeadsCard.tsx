// The contact's leads, each a link to its card on the pipeline board.
import { Anchor, Badge, Card, Group, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { listContactLeads } from "../crm";
import { contactKeys, useStages } from "../queries";

export function LeadsCard({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation();
  const leads = useQuery({ queryKey: contactKeys.leads(contactId), queryFn: () => listContactLeads(contactId) });
  const stages = useStages();
  const stageName = (id: string) => stages.data?.find((stage) => stage.id === id)?.name;
  const items = leads.data?.items ?? [];
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t("contacts.leads.title")}
        </Title>
        {leads.isError ? (
          <Text size="sm" c="red.9">
            {t("contacts.leads.loadFailed")}
          </Text>
        ) : items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {leads.isPending ? t("contacts.timeline.loading") : t("contacts.leads.none")}
          </Text>
        ) : (
          <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: "none" }} aria-label={t("contacts.leads.title")}>
            {items.map((lead) => (
              <Group component="li" key={lead.id} justify="space-between" wrap="nowrap">
                <Anchor component={Link} to={`/pipelines/${lead.pipeline_id}?lead=${lead.id}`} fw={500}>
                  {lead.title}
                </Anchor>
                <Group gap={6} wrap="nowrap">
                  {lead.value !== null && lead.value !== undefined && (
                    <Text size="sm">
                      {Number(lead.value).toLocaleString(i18n.language, {
                        style: lead.currency ? "currency" : "decimal",
                        currency: lead.currency ?? undefined,
                      })}
                    </Text>
                  )}
                  <Badge variant="light" size="sm">
                    {stageName(lead.stage_id) ?? t("contacts.leads.stage")}
                  </Badge>
                </Group>
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
