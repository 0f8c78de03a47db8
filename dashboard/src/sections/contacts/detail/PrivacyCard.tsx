// The contact's data: everything the crm holds about them as JSON, and erasure (owners and
// admins) after typing the contact's name or phone, because it cannot be undone.
import { Alert, Button, Card, Group, Modal, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useAccess } from "../../team/roles";
import { eraseContact, exportContactData, problemText } from "../crm";
import { contactKeys } from "../queries";

export function PrivacyCard({ contactId, label }: { contactId: string; label: string }) {
  const { t } = useTranslation();
  const { canManage } = useAccess();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [erasing, setErasing] = useState(false);
  const [typed, setTyped] = useState("");
  const download = useMutation({
    mutationFn: () => exportContactData(contactId),
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("contacts.privacy.exportFailed"),
        message: problemText(error, t("contacts.privacy.exportFailed")),
      }),
  });
  const erase = useMutation({
    mutationFn: () => eraseContact(contactId),
    onSuccess: () => {
      setErasing(false);
      queryClient.removeQueries({ queryKey: contactKeys.detail(contactId) });
      void queryClient.invalidateQueries({ queryKey: ["contacts", "list"] });
      notifications.show({ color: "brand", message: t("contacts.privacy.erased") });
      void navigate("/contacts");
    },
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("contacts.privacy.eraseFailed"),
        message: problemText(error, t("contacts.privacy.eraseFailed")),
      }),
  });
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t("contacts.privacy.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("contacts.privacy.hint")}
        </Text>
        <Group gap="xs">
          <Button variant="default" leftSection={<IconDownload size={16} />} loading={download.isPending} onClick={() => download.mutate()}>
            {t("contacts.privacy.export")}
          </Button>
          {canManage && (
            <Button color="red.9" variant="light" leftSection={<IconTrash size={16} />} onClick={() => setErasing(true)}>
              {t("contacts.privacy.erase")}
            </Button>
          )}
        </Group>
      </Stack>
      <Modal opened={erasing} onClose={() => setErasing(false)} title={t("contacts.privacy.eraseTitle")} centered>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (typed.trim() === label) erase.mutate();
          }}
        >
          <Stack>
            <Alert color="red.9" variant="light">
              {t("contacts.privacy.eraseWarning")}
            </Alert>
            <TextInput
              label={t("contacts.privacy.eraseConfirm", { label })}
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              autoComplete="off"
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setErasing(false)}>
                {t("contacts.bulk.cancel")}
              </Button>
              <Button type="submit" color="red.9" disabled={typed.trim() !== label} loading={erase.isPending}>
                {t("contacts.privacy.eraseButton")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Card>
  );
}
