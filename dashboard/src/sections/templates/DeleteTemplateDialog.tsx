// The question before a template leaves the library.
import { Alert, Button, Group, Modal, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Template } from "../../api/campaignsApi";
import { problemMessage } from "../../api/client";

interface DeleteTemplateDialogProps {
  template: Pick<Template, "id" | "name"> | null;
  deleting: boolean;
  error: unknown;
  onConfirm: (templateId: string) => void;
  onClose: () => void;
}

export function DeleteTemplateDialog({ template, deleting, error, onConfirm, onClose }: DeleteTemplateDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={template !== null} onClose={onClose} title={t("templates.deleteTitle")} centered>
      <Text size="sm">{t("templates.deleteBody", { name: template?.name ?? "" })}</Text>
      {Boolean(error) && (
        <Alert color="red" mt="sm" title={t("templates.deleteFailed")}>
          {problemMessage((error as { problem?: unknown }).problem, "")}
        </Alert>
      )}
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={onClose} disabled={deleting}>
          {t("templates.deleteKeep")}
        </Button>
        <Button color="red" loading={deleting} onClick={() => template && onConfirm(template.id)}>
          {t("templates.deleteConfirm")}
        </Button>
      </Group>
    </Modal>
  );
}
