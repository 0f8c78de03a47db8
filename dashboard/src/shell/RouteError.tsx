// Shown when a page fails to render or its code cannot be loaded; retry reloads it.
import { Alert, Button, Center, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { isRouteErrorResponse, Link, useRouteError } from "react-router";

export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Center mih="60vh" p="md">
      <Stack maw={480}>
        <Alert color={notFound ? "gray" : "red"} title={t("error.title")}>
          {notFound ? t("error.notFound") : String((error as Error)?.message ?? error)}
        </Alert>
        {notFound ? (
          <Button component={Link} to="/inbox">
            {t("error.home")}
          </Button>
        ) : (
          <Button onClick={() => window.location.reload()}>{t("error.retry")}</Button>
        )}
      </Stack>
    </Center>
  );
}
