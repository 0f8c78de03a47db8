// Login with email and password, or with a provider the gateway has configured.
import { Alert, Anchor, Button, Center, Divider, Paper, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { api, problemMessage } from "../api/client";
import { useAuth } from "./AuthProvider";

// Only paths inside the dashboard: `next` comes from the address bar.
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/inbox";
}

function useOAuthProviders() {
  return useQuery({
    queryKey: ["auth", "oauth-providers"],
    staleTime: Infinity,
    queryFn: async () => {
      const { data } = await api.GET("/api/v1/auth/oauth/providers");
      return data?.providers ?? [];
    },
  });
}

const PROVIDER_LABELS: Record<string, string> = { google: "Google", facebook: "Facebook" };

export default function LoginPage() {
  const { t } = useTranslation();
  const { status, login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const providers = useOAuthProviders();
  const [failure, setFailure] = useState<string | null>(
    params.get("error") ? t("login.providerFailed") : null,
  );
  const form = useForm({
    mode: "uncontrolled",
    initialValues: { email: "", password: "" },
    validate: {
      email: (value) => (/^\S+@\S+\.\S+$/.test(value.trim()) ? null : t("login.emailInvalid")),
      password: (value) => (value ? null : t("login.passwordRequired")),
    },
  });

  if (status === "signedIn") return <Navigate to={next} replace />;

  const submit = form.onSubmit(async ({ email, password }) => {
    setFailure(null);
    const result = await login(email.trim(), password);
    if (result.ok) {
      navigate(next, { replace: true });
    } else {
      setFailure(
        result.problem ? problemMessage(result.problem, t("login.failed")) : t("login.unreachable"),
      );
    }
  });

  const offered = (providers.data ?? []).filter((name) => name in PROVIDER_LABELS);

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={2}>{t("login.title")}</Title>
            {failure && (
              <Alert color="red" role="alert" title={t("login.failedTitle")}>
                {failure}
              </Alert>
            )}
            <TextInput
              label={t("login.email")}
              type="email"
              autoComplete="username"
              required
              key={form.key("email")}
              {...form.getInputProps("email")}
            />
            <PasswordInput
              label={t("login.password")}
              autoComplete="current-password"
              required
              key={form.key("password")}
              {...form.getInputProps("password")}
            />
            <Button type="submit" loading={form.submitting} fullWidth>
              {t("login.submit")}
            </Button>
            {offered.length > 0 && (
              <>
                <Divider label={t("login.or")} labelPosition="center" />
                {offered.map((name) => (
                  <Button
                    key={name}
                    component="a"
                    variant="default"
                    href={`/api/v1/auth/oauth/${name}/start?next=${encodeURIComponent(next)}`}
                  >
                    {t("login.withProvider", { provider: PROVIDER_LABELS[name] })}
                  </Button>
                ))}
              </>
            )}
            <Anchor href="/api/docs" size="xs" c="dimmed" ta="center">
              {t("login.apiDocs")}
            </Anchor>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
