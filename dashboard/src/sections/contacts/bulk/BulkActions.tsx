// Bulk actions on the selected contacts, or on every contact the filter matches: tag,
// untag, set owner, set field, export, delete (after a confirmation). Each runs as a job in
// the crm; its progress shows here until it ends, then the list is asked again.
import { Button, Group, Menu, Modal, MultiSelect, Select, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import {
  IconChevronDown,
  IconDownload,
  IconTag,
  IconTagOff,
  IconTrash,
  IconUser,
  IconForms,
} from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  type BulkAction,
  type CustomField,
  type FieldValue,
  type Job,
  type Selection,
  exportContacts,
  startBulk,
  problemText,
} from "../crm";
import { FieldInput } from "../detail/FieldInput";
import { contactKeys } from "../queries";
import { JobProgress } from "./JobProgress";

type Kind = BulkAction["action"];

interface Props {
  selection: Selection;
  /** "3 contacts" or "all 1,204 matching": what the actions will touch, in words. */
  scope: string;
  tags: { id: string; name: string }[];
  fields: CustomField[];
  users: { id: string; name: string }[];
}

export function BulkActions({ selection, scope, tags, fields, users }: Props) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind | null>(null);
  const [job, setJob] = useState<{ job: Job; label: string } | null>(null);
  const start = useMutation({
    mutationFn: (action: BulkAction) => startBulk(selection, action),
    onSuccess: (created, action) => {
      setKind(null);
      setJob({ job: created, label: t(`contacts.bulk.actions.${action.action}`) });
    },
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("contacts.bulk.failed"),
        message: problemText(error, t("contacts.bulk.failed")),
      }),
  });
  const download = useMutation({
    mutationFn: () => exportContacts(selection, fields.map((field) => field.key)),
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("contacts.export.failed"),
        message: problemText(error, t("contacts.export.failed")),
      }),
  });

  const item = (action: Kind, icon: React.ReactNode, color?: string) => (
    <Menu.Item leftSection={icon} color={color} onClick={() => setKind(action)}>
      {t(`contacts.bulk.actions.${action}`)}
    </Menu.Item>
  );
  return (
    <>
      <Group gap="xs">
        <Menu withinPortal>
          <Menu.Target>
            <Button size="xs" rightSection={<IconChevronDown size={14} />}>
              {t("contacts.bulk.menu")}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {item("tag", <IconTag size={16} />)}
            {item("untag", <IconTagOff size={16} />)}
            {item("set_owner", <IconUser size={16} />)}
            {item("set_field", <IconForms size={16} />)}
            <Menu.Item leftSection={<IconDownload size={16} />} onClick={() => download.mutate()}>
              {t("contacts.bulk.export")}
            </Menu.Item>
            <Menu.Divider />
            {item("delete", <IconTrash size={16} />, "red.9")}
          </Menu.Dropdown>
        </Menu>
      </Group>
      <Modal
        opened={kind !== null}
        onClose={() => setKind(null)}
        title={kind ? t(`contacts.bulk.actions.${kind}`) : t("contacts.bulk.menu")}
        closeButtonProps={{ "aria-label": t("contacts.bulk.close") }}
        centered
      >
        {kind && (
          <ActionForm
            kind={kind}
            scope={scope}
            tags={tags}
            fields={fields}
            users={users}
            loading={start.isPending}
            onCancel={() => setKind(null)}
            onSubmit={(action) => start.mutate(action)}
          />
        )}
      </Modal>
      <Modal
        opened={job !== null}
        onClose={() => setJob(null)}
        title={job ? t("contacts.bulk.running", { action: job.label }) : t("contacts.bulk.menu")}
        closeButtonProps={{ "aria-label": t("contacts.bulk.close") }}
        centered
      >
        {job && (
          <Stack>
            <JobProgress
              jobId={job.job.id}
              initial={job.job}
              label={t("contacts.bulk.progress", { action: job.label })}
              onDone={() => void queryClient.invalidateQueries({ queryKey: contactKeys.all })}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setJob(null)}>
                {t("contacts.bulk.close")}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function ActionForm({
  kind,
  scope,
  tags,
  fields,
  users,
  loading,
  onCancel,
  onSubmit,
}: {
  kind: Kind;
  scope: string;
  tags: { id: string; name: string }[];
  fields: CustomField[];
  users: { id: string; name: string }[];
  loading: boolean;
  onCancel: () => void;
  onSubmit: (action: BulkAction) => void;
}) {
  const { t } = useTranslation();
  const [tagIds, setTagIds] = useState<string[]>([]);
  const [owner, setOwner] = useState<string | null>(null);
  const [fieldKey, setFieldKey] = useState<string | null>(null);
  const [value, setValue] = useState<FieldValue>(null);
  const [typed, setTyped] = useState("");
  const field = fields.find((item) => item.key === fieldKey);
  const confirmWord = t("contacts.bulk.deleteWord");

  let action: BulkAction | null = null;
  if (kind === "tag" || kind === "untag") action = tagIds.length ? { action: kind, tag_ids: tagIds } : null;
  else if (kind === "set_owner") action = { action: kind, owner_user_id: owner };
  else if (kind === "set_field") action = fieldKey ? { action: kind, key: fieldKey, value } : null;
  else if (kind === "delete") action = typed.trim().toLowerCase() === confirmWord.toLowerCase() ? { action: "delete" } : null;

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (action) onSubmit(action);
      }}
    >
      <Stack gap="sm">
        <Text size="sm">{t("contacts.bulk.scope", { scope })}</Text>
        {(kind === "tag" || kind === "untag") && (
          <MultiSelect
            label={t("contacts.bulk.tags")}
            data={tags.map((tag) => ({ value: tag.id, label: tag.name }))}
            value={tagIds}
            onChange={setTagIds}
            searchable
            data-autofocus
          />
        )}
        {kind === "set_owner" && (
          <Select
            label={t("contacts.bulk.owner")}
            placeholder={t("contacts.bulk.noOwner")}
            data={users.map((user) => ({ value: user.id, label: user.name }))}
            value={owner}
            onChange={setOwner}
            searchable
            clearable
          />
        )}
        {kind === "set_field" && (
          <>
            <Select
              label={t("contacts.bulk.field")}
              data={fields.map((item) => ({ value: item.key, label: item.label }))}
              value={fieldKey}
              onChange={(key) => {
                setFieldKey(key);
                setValue(null);
              }}
            />
            {field && <FieldInput field={field} value={value} onChange={setValue} />}
          </>
        )}
        {kind === "delete" && (
          <>
            <Text size="sm" c="red.9">
              {t("contacts.bulk.deleteWarning")}
            </Text>
            <TextInput
              label={t("contacts.bulk.deleteConfirm", { word: confirmWord })}
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              autoComplete="off"
            />
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t("contacts.bulk.cancel")}
          </Button>
          <Button type="submit" color={kind === "delete" ? "red.9" : undefined} disabled={!action} loading={loading}>
            {t(`contacts.bulk.run.${kind}`)}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
