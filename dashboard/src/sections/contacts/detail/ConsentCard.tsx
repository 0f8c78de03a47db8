// Consent per channel (opted in, opted out, or never asked) with its ledger, newest first:
// when, how (import, keyword, form, agent, API) and by whom. A person may change it here;
// the crm records that as one more entry in the ledger.
import { Badge, Button, Card, Group, Modal, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CHANNELS, type ChannelConsent, type ConsentStatus, getConsent, setConsent, problemText } from "../crm";

type Channel = ChannelConsent["channel"];
import { contactKeys, useUsers } from "../queries";

export function ConsentCard({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const users = useUsers();
  const consent = useQuery({ queryKey: contactKeys.consent(contactId), queryFn: () => getConsent(contactId) });
  const [asking, setAsking] = useState<{ channel: Channel; status: ConsentStatus } | null>(null);
  const change = useMutation({
    mutationFn: (body: { channel: Channel; status: ConsentStatus }) => setConsent(contactId, body),
    onSuccess: () => {
      setAsking(null);
      void queryClient.invalidateQueries({ queryKey: contactKeys.consent(contactId) });
      void queryClient.invalidateQueries({ queryKey: contactKeys.timeline(contactId) });
      notifications.show({ color: "brand", message: t("contacts.consent.saved") });
    },
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("contacts.consent.failed"),
        message: problemText(error, t("contacts.consent.failed")),
      }),
  });
  const when = (at: string) => new Date(at).toLocaleString(i18n.language);
  const who = (id: string | null) =>
    id ? users.data?.find((user) => user.id === id)?.name ?? t("contacts.detail.someone") : t("contacts.consent.system");
  const states: ChannelConsent[] =
    consent.data?.channels ??
    CHANNELS.map((channel) => ({
      channel,
      status: null,
      source: null,
      actor_user_id: null,
      occurred_at: null,
      may_market: false,
    }));
  const history = consent.data?.history.items ?? [];

  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t("contacts.consent.title")}
        </Title>
        {consent.isError ? (
          <Text size="sm" c="red.9">
            {t("contacts.consent.loadFailed")}
          </Text>
        ) : (
          <>
            <Table aria-label={t("contacts.consent.current")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("contacts.consent.channel")}</Table.Th>
                  <Table.Th>{t("contacts.consent.status")}</Table.Th>
                  <Table.Th>{t("contacts.consent.change")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {states.map((state) => {
                  const channel = state.channel;
                  const status = state.status ?? "unknown";
                  const next: ConsentStatus = status === "opted_in" ? "opted_out" : "opted_in";
                  const label = t(`contacts.channels.${channel}`, { defaultValue: channel });
                  return (
                    <Table.Tr key={channel}>
                      <Table.Td>{label}</Table.Td>
                      <Table.Td>
                        <Badge
                          variant="light"
                          color={status === "opted_in" ? "brand" : status === "opted_out" ? "red.9" : "gray.8"}
                        >
                          {t(`contacts.consent.statuses.${status}`)}
                        </Badge>
                        {state.status && state.occurred_at && (
                          <Text size="xs" c="dimmed">
                            {t("contacts.consent.since", {
                              when: when(state.occurred_at),
                              source: t(`contacts.consent.sources.${state.source ?? "api"}`),
                            })}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="light"
                          color={next === "opted_out" ? "red.9" : undefined}
                          disabled={consent.isPending}
                          aria-label={t(`contacts.consent.set.${next}`, { channel: label })}
                          onClick={() => setAsking({ channel, status: next })}
                        >
                          {t(`contacts.consent.action.${next}`)}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
            <Title order={4} size="h5">
              {t("contacts.consent.history")}
            </Title>
            {consent.data && history.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t("contacts.consent.noHistory")}
              </Text>
            ) : (
              <Stack component="ol" gap={4} p={0} m={0} style={{ listStyle: "none" }} aria-label={t("contacts.consent.history")}>
                {history.map((event) => (
                  <Text component="li" size="sm" key={event.id}>
                    {t("contacts.consent.entry", {
                      when: when(event.occurred_at),
                      channel: t(`contacts.channels.${event.channel}`, { defaultValue: event.channel }),
                      status: t(`contacts.consent.statuses.${event.status}`),
                      source: t(`contacts.consent.sources.${event.source}`),
                      who: who(event.actor_user_id),
                    })}
                  </Text>
                ))}
              </Stack>
            )}
          </>
        )}
      </Stack>
      <Modal
        opened={asking !== null}
        onClose={() => setAsking(null)}
        title={t("contacts.consent.confirmTitle")}
        centered
      >
        {asking && (
          <Stack>
            <Text size="sm">
              {t(`contacts.consent.confirm.${asking.status}`, {
                channel: t(`contacts.channels.${asking.channel}`, { defaultValue: asking.channel }),
              })}
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAsking(null)}>
                {t("contacts.bulk.cancel")}
              </Button>
              <Button
                color={asking.status === "opted_out" ? "red.9" : undefined}
                loading={change.isPending}
                onClick={() => change.mutate(asking)}
              >
                {t(`contacts.consent.action.${asking.status}`)}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}
