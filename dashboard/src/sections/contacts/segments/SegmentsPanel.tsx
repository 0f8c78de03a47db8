// The saved segments beside the builder: load one into it, save the builder's filter as a
// new segment or over the loaded one, delete one (after a confirmation).
import { ActionIcon, Button, Group, Modal, Stack, Text, TextInput, Title, UnstyledButton } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDeviceFloppy, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ConfirmDialog } from "../../team/ConfirmDialog";
import { type ContactFilter, type Segment, createSegment, deleteSegment, updateSegment, problemText } from "../crm";
import { contactKeys, useSegments } from "../queries";

interface Props {
  active: string | null;
  filter: ContactFilter | null;
  onLoad: (segment: Segment | null) => void;
}

export function SegmentsPanel({ active, filter, onLoad }: Props) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const segments = useSegments();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState("");
  const [deleting, setDeleting] = useState<Segment | null>(null);
  const current = segments.data?.find((segment) => segment.id === active);
  const failed = (error: unknown) =>
    notifications.show({
      color: "red",
      title: t("contacts.segments.saveFailed"),
      message: problemText(error, t("contacts.segments.saveFailed")),
    });
  const save = useMutation({
    mutationFn: (body: { id?: string; name: string; filter: ContactFilter }) =>
      body.id ? updateSegment(body.id, { filter: body.filter }) : createSegment(body),
    onSuccess: (segment) => {
      setNaming(false);
      setName("");
      void queryClient.invalidateQueries({ queryKey: contactKeys.segments });
      onLoad(segment);
      notifications.show({ color: "brand", message: t("contacts.segments.saved", { name: segment.name }) });
    },
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: (segment: Segment) => deleteSegment(segment.id),
    onSuccess: (_, segment) => {
      setDeleting(null);
      if (segment.id === active) onLoad(null);
      void queryClient.invalidateQueries({ queryKey: contactKeys.segments });
    },
    onError: failed,
  });

  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t("contacts.segments.savedTitle")}
      </Title>
      {segments.isError ? (
        <Text size="sm" c="red.9">
          {t("contacts.segments.loadFailed")}
        </Text>
      ) : segments.data?.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("contacts.segments.none")}
        </Text>
      ) : (
        <Stack component="ul" gap={4} p={0} m={0} style={{ listStyle: "none" }} aria-label={t("contacts.segments.list")}>
          {(segments.data ?? []).map((segment) => (
            <Group component="li" key={segment.id} gap={4} wrap="nowrap" justify="space-between">
              <UnstyledButton
                onClick={() => onLoad(segment)}
                aria-pressed={segment.id === active}
                aria-label={t("contacts.segments.load", { name: segment.name })}
                px="xs"
                py={4}
                style={{
                  borderRadius: "var(--mantine-radius-sm)",
                  flex: 1,
                  fontWeight: segment.id === active ? 600 : undefined,
                  background: segment.id === active ? "var(--mantine-primary-color-light)" : undefined,
                }}
              >
                <Text size="sm" truncate>
                  {segment.name}
                </Text>
              </UnstyledButton>
              <ActionIcon
                variant="subtle"
                color="red.9"
                size="sm"
                aria-label={t("contacts.segments.delete", { name: segment.name })}
                onClick={() => setDeleting(segment)}
              >
                <IconTrash size={14} />
              </ActionIcon>
            </Group>
          ))}
        </Stack>
      )}
      <Button
        size="xs"
        variant="light"
        leftSection={<IconDeviceFloppy size={14} />}
        disabled={!filter}
        onClick={() => setNaming(true)}
      >
        {t("contacts.segments.saveAs")}
      </Button>
      {current && (
        <Button
          size="xs"
          variant="subtle"
          disabled={!filter}
          loading={save.isPending}
          onClick={() => filter && save.mutate({ id: current.id, name: current.name, filter })}
        >
          {t("contacts.segments.update", { name: current.name })}
        </Button>
      )}
      <Modal opened={naming} onClose={() => setNaming(false)} title={t("contacts.segments.saveAs")} centered>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (filter && name.trim()) save.mutate({ name: name.trim(), filter });
          }}
        >
          <Stack>
            <TextInput
              label={t("contacts.segments.name")}
              value={name}
              maxLength={200}
              onChange={(event) => setName(event.currentTarget.value)}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setNaming(false)}>
                {t("contacts.bulk.cancel")}
              </Button>
              <Button type="submit" disabled={!name.trim()} loading={save.isPending}>
                {t("contacts.segments.save")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <ConfirmDialog
        opened={deleting !== null}
        title={t("contacts.segments.deleteTitle")}
        body={t("contacts.segments.deleteBody", { name: deleting?.name ?? "" })}
        confirmLabel={t("contacts.segments.deleteConfirm")}
        loading={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
