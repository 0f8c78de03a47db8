// Step 1: the file. The crm streams it and answers what it found (encoding, delimiter,
// columns with samples and a suggested target each). Not a <form>: the campaign wizard,
// itself a form, holds this step too, and a form inside a form is invalid HTML.
import { Alert, Button, FileInput, Group, Stack, Text } from "@mantine/core";
import { IconFileTypeCsv, IconUpload } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type ImportAnalysis, uploadImport, problemText } from "../crm";

export function UploadStep({ onUploaded }: { onUploaded: (analysis: ImportAnalysis) => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({ mutationFn: uploadImport, onSuccess: onUploaded });
  return (
    <Stack gap="sm" mt="md" maw={560}>
      <FileInput
        label={t("contacts.imports.file")}
        description={t("contacts.imports.fileHint")}
        placeholder={t("contacts.imports.pick")}
        accept=".csv,text/csv,text/plain"
        leftSection={<IconFileTypeCsv size={18} />}
        value={file}
        onChange={setFile}
        clearable
      />
      {upload.isError && (
        <Alert color="red.9" title={t("contacts.imports.uploadFailed")}>
          {problemText(upload.error, t("contacts.imports.uploadFailed"))}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button
          leftSection={<IconUpload size={16} />}
          disabled={!file}
          loading={upload.isPending}
          onClick={() => file && upload.mutate(file)}
        >
          {t("contacts.imports.upload")}
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        {t("contacts.imports.formats")}
      </Text>
    </Stack>
  );
}
