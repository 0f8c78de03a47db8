// The tenant's custom fields, in display order: add (label, kind, options for the select
// kinds; the key is derived from the label and never changes), edit, move up or down,
// delete (after a confirmation: the values go with it).
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowDown, IconArrowUp, IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  type CustomField,
  FIELD_KINDS,
  type FieldKind,
  createCustomField,
  deleteCustomField,
  reorderCustomFields,
  updateCustomField,
  problemText,
} from "../../contacts/crm";
import { contactKeys, useCustomFields } from "../../contacts/queries";
import { ConfirmDialog } from "../../team/ConfirmDialog";

const WITH_OPTIONS: FieldKind[] = ["select", "multi_select"];

/** The key the crm would derive: lower case, ASCII, digits and _, starting with a letter. */
export function keyOf(label: string): string {
  const slug = label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 64);
  return /^[a-z]/.test(slug) ? slug : slug ? `f_${slug}`.slice(0, 64) : "";
}

export function CustomFieldsSection({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const fields = useCustomFields();
  const [editing, setEditing] = useState<CustomField | "new" | null>(null);
  const [deleting, setDeleting] = useState<CustomField | null>(null);
  const failed = (error: unknown) =>
    notifications.show({
      color: "red",
      title: t("contacts.crmSettings.fields.failed"),
      message: problemText(error, t("contacts.crmSettings.fields.failed")),
    });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: contactKeys.fields });
  const save = useMutation({
    mutationFn: (body: { id?: string; label: string; kind: FieldKind; options: string[] | null }) =>
      body.id
        ? updateCustomField(body.id, { label: body.label, kind: body.kind, options: body.options })
        : createCustomField({ label: body.label, kind: body.kind, options: body.options, key: keyOf(body.label) || undefined }),
    onSuccess: () => {
      setEditing(null);
      refresh();
      notifications.show({ color: "brand", message: t("contacts.crmSettings.fields.saved") });
    },
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: (field: CustomField) => deleteCustomField(field.id),
    onSuccess: () => {
      setDeleting(null);
      refresh();
    },
    onError: failed,
  });
  const reorder = useMutation({
    mutationFn: reorderCustomFields,
    onSuccess: (answer) => queryClient.setQueryData(contactKeys.fields, answer.items),
    onError: failed,
  });
  const items = fields.data ?? [];
  const move = (index: number, by: -1 | 1) => {
    const ids = items.map((field) => field.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved!);
    reorder.mutate(ids);
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="crm-fields-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4" id="crm-fields-title">
            {t("contacts.crmSettings.fields.title")}
          </Title>
          {canEdit && (
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing("new")}>
              {t("contacts.crmSettings.fields.add")}
            </Button>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {t("contacts.crmSettings.fields.hint")}
        </Text>
        {fields.isError ? (
          <Text c="red.9" size="sm">
            {problemText(fields.error, t("contacts.crmSettings.fields.loadFailed"))}
          </Text>
        ) : items.length === 0 && fields.isSuccess ? (
          <Text c="dimmed" size="sm">
            {t("contacts.crmSettings.fields.empty")}
          </Text>
        ) : (
          <Table aria-labelledby="crm-fields-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("contacts.crmSettings.fields.label")}</Table.Th>
                <Table.Th>{t("contacts.crmSettings.fields.key")}</Table.Th>
                <Table.Th>{t("contacts.crmSettings.fields.kind")}</Table.Th>
                <Table.Th>
                  <span className="visually-hidden" style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)" }}>
                    {t("contacts.crmSettings.fields.actions")}
                  </span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((field, index) => (
                <Table.Tr key={field.id}>
                  <Table.Td fw={500}>{field.label}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {field.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" size="sm">
                      {t(`contacts.crmSettings.kinds.${field.kind}`)}
                    </Badge>
                    {field.options?.length ? (
                      <Text size="xs" c="dimmed">
                        {field.options.join(", ")}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td w={150}>
                    {canEdit && (
                      <Group gap={2} justify="flex-end" wrap="nowrap">
                        <ActionIcon variant="subtle" disabled={index === 0 || reorder.isPending} aria-label={t("contacts.crmSettings.fields.up", { label: field.label })} onClick={() => move(index, -1)}>
                          <IconArrowUp size={16} />
                        </ActionIcon>
                        <ActionIcon variant="subtle" disabled={index === items.length - 1 || reorder.isPending} aria-label={t("contacts.crmSettings.fields.down", { label: field.label })} onClick={() => move(index, 1)}>
                          <IconArrowDown size={16} />
                        </ActionIcon>
                        <ActionIcon variant="subtle" aria-label={t("contacts.crmSettings.fields.edit", { label: field.label })} onClick={() => setEditing(field)}>
                          <IconPencil size={16} />
                        </ActionIcon>
                        <ActionIcon variant="subtle" color="red.9" aria-label={t("contacts.crmSettings.fields.delete", { label: field.label })} onClick={() => setDeleting(field)}>
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
        title={editing === "new" ? t("contacts.crmSettings.fields.add") : t("contacts.crmSettings.fields.editTitle")}
        centered
      >
        {editing !== null && (
          <FieldForm
            field={editing === "new" ? null : editing}
            loading={save.isPending}
            onCancel={() => setEditing(null)}
            onSubmit={(body) => save.mutate({ ...body, id: editing === "new" ? undefined : editing.id })}
          />
        )}
      </Modal>
      <ConfirmDialog
        opened={deleting !== null}
        title={t("contacts.crmSettings.fields.deleteTitle")}
        body={t("contacts.crmSettings.fields.deleteBody", { label: deleting?.label ?? "" })}
        confirmLabel={t("contacts.crmSettings.delete")}
        loading={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Paper>
  );
}

function FieldForm({
  field,
  loading,
  onCancel,
  onSubmit,
}: {
  field: CustomField | null;
  loading: boolean;
  onCancel: () => void;
  onSubmit: (body: { label: string; kind: FieldKind; options: string[] | null }) => void;
}) {
  const { t } = useTranslation();
  const [label, setLabel] = useState(field?.label ?? "");
  const [kind, setKind] = useState<FieldKind>(field?.kind ?? "text");
  const [options, setOptions] = useState<string[]>(field?.options ?? []);
  const [tried, setTried] = useState(false);
  const needsOptions = WITH_OPTIONS.includes(kind);
  const labelError = !label.trim()
    ? t("contacts.crmSettings.fields.labelRequired")
    : label.trim().length > 128
      ? t("contacts.crmSettings.fields.labelTooLong")
      : null;
  const optionsError = needsOptions && options.length === 0 ? t("contacts.crmSettings.fields.optionsRequired") : null;
  const key = field?.key ?? keyOf(label);
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (labelError || optionsError) return;
        onSubmit({ label: label.trim(), kind, options: needsOptions ? options : null });
      }}
    >
      <Stack>
        <TextInput
          label={t("contacts.crmSettings.fields.label")}
          value={label}
          onChange={(event) => setLabel(event.currentTarget.value)}
          error={tried ? labelError : undefined}
          description={key ? t("contacts.crmSettings.fields.keyHint", { key }) : undefined}
          data-autofocus
        />
        <Select
          label={t("contacts.crmSettings.fields.kind")}
          data={FIELD_KINDS.map((value) => ({ value, label: t(`contacts.crmSettings.kinds.${value}`) }))}
          value={kind}
          onChange={(value) => value && setKind(value as FieldKind)}
          allowDeselect={false}
        />
        {needsOptions && (
          <TagsInput
            label={t("contacts.crmSettings.fields.options")}
            description={t("contacts.crmSettings.fields.optionsHint")}
            value={options}
            onChange={setOptions}
            error={tried ? optionsError : undefined}
            maxTags={200}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t("contacts.bulk.cancel")}
          </Button>
          <Button type="submit" loading={loading}>
            {t("contacts.crmSettings.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
