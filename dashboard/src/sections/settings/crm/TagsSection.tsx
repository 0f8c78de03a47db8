// The tenant's tags: name and colour; add, rename, recolour, delete (after a confirmation:
// the tag comes off every contact).
import { ActionIcon, Badge, Button, ColorInput, Group, Modal, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type Tag, createTag, deleteTag, updateTag, problemText } from "../../contacts/crm";
import { contactKeys, useTags } from "../../contacts/queries";
import { ConfirmDialog } from "../../team/ConfirmDialog";

/** Suggested tag colours (#rrggbb, as the crm stores them); any other may be typed. */
export const TAG_COLORS = [
  "#64748b",
  "#ef4444",
  "#f97316",
  "#eab308",
  "#22c55e",
  "#14b8a6",
  "#06b6d4",
  "#3b82f6",
  "#6366f1",
  "#a855f7",
  "#ec4899",
];
const HEX = /^#[0-9a-fA-F]{6}$/;

export function TagsSection({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const tags = useTags();
  const [editing, setEditing] = useState<Tag | "new" | null>(null);
  const [deleting, setDeleting] = useState<Tag | null>(null);
  const failed = (error: unknown) =>
    notifications.show({
      color: "red",
      title: t("contacts.crmSettings.tags.failed"),
      message: problemText(error, t("contacts.crmSettings.tags.failed")),
    });
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: contactKeys.tags });
    void queryClient.invalidateQueries({ queryKey: contactKeys.all });
  };
  const save = useMutation({
    mutationFn: (body: { id?: string; name: string; color: string }) =>
      body.id ? updateTag(body.id, { name: body.name, color: body.color }) : createTag(body),
    onSuccess: () => {
      setEditing(null);
      done();
      notifications.show({ color: "brand", message: t("contacts.crmSettings.tags.saved") });
    },
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: (tag: Tag) => deleteTag(tag.id),
    onSuccess: () => {
      setDeleting(null);
      done();
    },
    onError: failed,
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="crm-tags-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4" id="crm-tags-title">
            {t("contacts.crmSettings.tags.title")}
          </Title>
          {canEdit && (
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing("new")}>
              {t("contacts.crmSettings.tags.add")}
            </Button>
          )}
        </Group>
        {tags.isError ? (
          <Text c="red.9" size="sm">{problemText(tags.error, t("contacts.crmSettings.tags.loadFailed"))}</Text>
        ) : tags.data?.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t("contacts.crmSettings.tags.empty")}
          </Text>
        ) : (
          <Table aria-labelledby="crm-tags-title">
            <Table.Tbody>
              {(tags.data ?? []).map((tag) => (
                <Table.Tr key={tag.id}>
                  <Table.Td>
                    <Badge variant="light" color={tag.color || undefined}>
                      {tag.name}
                    </Badge>
                  </Table.Td>
                  <Table.Td w={90}>
                    {canEdit && (
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <ActionIcon variant="subtle" aria-label={t("contacts.crmSettings.tags.edit", { name: tag.name })} onClick={() => setEditing(tag)}>
                          <IconPencil size={16} />
                        </ActionIcon>
                        <ActionIcon variant="subtle" color="red.9" aria-label={t("contacts.crmSettings.tags.delete", { name: tag.name })} onClick={() => setDeleting(tag)}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? t("contacts.crmSettings.tags.add") : t("contacts.crmSettings.tags.editTitle")}
        centered
      >
        {editing !== null && (
          <TagForm
            tag={editing === "new" ? null : editing}
            loading={save.isPending}
            onCancel={() => setEditing(null)}
            onSubmit={(body) => save.mutate({ ...body, id: editing === "new" ? undefined : editing.id })}
          />
        )}
      </Modal>
      <ConfirmDialog
        opened={deleting !== null}
        title={t("contacts.crmSettings.tags.deleteTitle")}
        body={t("contacts.crmSettings.tags.deleteBody", { name: deleting?.name ?? "" })}
        confirmLabel={t("contacts.crmSettings.delete")}
        loading={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Paper>
  );
}

function TagForm({
  tag,
  loading,
  onCancel,
  onSubmit,
}: {
  tag: Tag | null;
  loading: boolean;
  onCancel: () => void;
  onSubmit: (body: { name: string; color: string }) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(tag?.name ?? "");
  const [color, setColor] = useState(tag?.color || TAG_COLORS[0]!);
  const tooLong = name.trim().length > 64;
  const badColor = !HEX.test(color);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim() && !tooLong && !badColor) onSubmit({ name: name.trim(), color: color.toLowerCase() });
      }}
    >
      <Stack>
        <TextInput
          label={t("contacts.crmSettings.tags.name")}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={tooLong ? t("contacts.crmSettings.tags.nameTooLong") : undefined}
          data-autofocus
        />
        <ColorInput
          label={t("contacts.crmSettings.tags.color")}
          format="hex"
          value={color}
          onChange={setColor}
          swatches={TAG_COLORS}
          error={badColor ? t("contacts.crmSettings.tags.colorInvalid") : undefined}
        />
        <Group gap="xs">
          <Text size="sm">{t("contacts.crmSettings.tags.previewLabel")}</Text>
          <Badge variant="light" color={badColor ? undefined : color}>
            {name.trim() || t("contacts.crmSettings.tags.name")}
          </Badge>
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t("contacts.bulk.cancel")}
          </Button>
          <Button type="submit" disabled={!name.trim() || tooLong} loading={loading}>
            {t("contacts.crmSettings.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
