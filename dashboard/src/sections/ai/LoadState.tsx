// What a list shows while it loads or when it failed: skeleton rows, or the server's problem
// with a retry.
import { Alert, Button, Skeleton, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ApiError, problemMessage } from "../../api/client";

export function Loading({ label }: { label: string }) {
  return (
    <Stack gap="xs" aria-label={label} role="status">
      {[0, 1, 2].map((n) => (
        <Skeleton key={n} height={36} />
      ))}
    </Stack>
  );
}

export function LoadFailed({ title, error, retry }: { title: string; error: unknown; retry: () => void }) {
  const { t } = useTranslation();
  const detail = error instanceof ApiError ? problemMessage(error.problem, error.message) : "";
  return (
    <Alert color="red" title={title}>
      <Stack gap="xs" align="flex-start">
        {detail && <Text size="sm">{detail}</Text>}
        <Button size="xs" variant="light" onClick={retry}>
          {t("ai.retry")}
        </Button>
      </Stack>
    </Alert>
  );
}
