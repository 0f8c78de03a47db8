// Downloads a campaign's recipients as CSV (optionally of one state). The file is fetched
// with the session and handed to the browser as a download: the access token lives in
// memory, so a plain link to the export could not carry it.
import { Button } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { type RecipientState, exportRecipients } from "../../api/campaignsApi";
import { problemMessage } from "../../api/client";

function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click the browser holds the file; the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function RecipientsExportButton({ campaignId, state = null }: { campaignId: string; state?: RecipientState | null }) {
  const { t } = useTranslation();
  const run = useMutation({
    mutationFn: () => exportRecipients(campaignId, state),
    onSuccess: ({ blob, filename }) => download(blob, filename),
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("campaigns.export.failed"),
        message: problemMessage((error as { problem?: unknown }).problem, error.message),
      }),
  });
  return (
    <Button variant="default" leftSection={<IconDownload size={16} />} loading={run.isPending} onClick={() => run.mutate()}>
      {t("campaigns.export.button")}
    </Button>
  );
}
