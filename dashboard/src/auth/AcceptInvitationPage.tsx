// Where an invitation link lands (`/accept-invitation#token=…`, as the gateway writes it):
// the invited person picks a name and a password, the account is created and they are in.
// The token sits in the fragment, so it never reaches a server log or a Referer header.
import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate } from "react-router";
import { api, problemMessage } from "../api/client";
import type { Problem } from "../api/client";
import { startSession } from "./session";

function tokenFrom(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token");
  return token && token.length >= 10 ? token : null;
}

export default function AcceptInvitationPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const token = tokenFrom(useLocation().hash);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    mode: "uncontrolled",
    initialValues: { name: "", password: "", confirm: "" },
    validate: {
      name: (value) => (value.trim() ? null : t("invitation.nameRequired")),
      password: (value) => (value.length >= 10 ? null : t("invitation.passwordShort")),
      confirm: (value, values) => (value === values.password ? null : t("invitation.mismatch")),
    },
  });

  if (!token) {
    return (
      <Frame title={t("invitation.title")}>
        <Alert color="red" role="alert">
          {t("invitation.noToken")}
        </Alert>
        <Anchor component={Link} to="/login" ta="center">
          {t("invitation.toLogin")}
        </Anchor>
      </Frame>
    );
  }

  const submit = form.onSubmit(async ({ name, password }) => {
    setFailure(null);
    try {
      const { data, error } = await api.POST("/api/v1/invitations/accept", {
        body: { token, name: name.trim(), password },
      });
      if (data) {
        startSession(data);
        navigate("/inbox", { replace: true });
        return;
      }
      setFailure(problemMessage(error as Problem | undefined, t("invitation.failed")));
    } catch {
      setFailure(t("login.unreachable"));
    }
  });

  return (
    <Frame title={t("invitation.title")}>
      <Text c="dimmed">{t("invitation.intro")}</Text>
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure && (
            <Alert color="red" role="alert" title={t("invitation.failedTitle")}>
              {failure}
            </Alert>
          )}
          <TextInput
            label={t("invitation.name")}
            autoComplete="name"
            required
            key={form.key("name")}
            {...form.getInputProps("name")}
          />
          <PasswordInput
            label={t("invitation.password")}
            description={t("invitation.passwordHint")}
            autoComplete="new-password"
            required
            key={form.key("password")}
            {...form.getInputProps("password")}
          />
          <PasswordInput
            label={t("invitation.confirm")}
            autoComplete="new-password"
            required
            key={form.key("confirm")}
            {...form.getInputProps("confirm")}
          />
          <Button type="submit" loading={form.submitting} fullWidth>
            {t("invitation.submit")}
          </Button>
        </Stack>
      </form>
    </Frame>
  );
}

function Frame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <Stack>
          <Title order={2}>{title}</Title>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
