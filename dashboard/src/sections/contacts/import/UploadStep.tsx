// Step 1: the file. The crm streams it and answers what it found (encoding, delimiter,
// columns with samples and a suggested target each).
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
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (file) upload.mutate(file);
      }}
    >
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
          <Button type="submit" leftSection={<IconUpload size={16} />} disabled={!file} loading={upload.isPending}>
            {t("contacts.imports.upload")}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {t("contacts.imports.formats")}
        </Text>
      </Stack>
    </form>
  );
}
