// A persona's editor (or a new one's): every setting, checked here for what is obvious and
// by the service for the rest (its 422s land on the fields they name). An edit carries the
// version it started from, so someone else's save in between is not overwritten.
import { Alert, Button, Group, Skeleton, Stack, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconMessageChatbot, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import {
  type Persona,
  createPersona,
  deletePersona,
  getModelSettings,
  getPersona,
  listKnowledgeBases,
  updatePersona,
} from "../../api/aiApi";
import { listAccounts } from "../../api/channels";
import { ApiError } from "../../api/client";
import { channelKeys } from "../connections/queries";
import { fetchTeammates } from "../inbox/queries";
import { useTeams } from "../inbox/teams";
import { listPipelines } from "../pipelines/api";
import { pipelineKeys } from "../pipelines/keys";
import { ConfirmDialog } from "../team/ConfirmDialog";
import { describeProblem } from "../team/problem";
import { atLeast, useAccess } from "../team/roles";
import { AiNav } from "./AiNav";
import { LoadFailed } from "./LoadState";
import { type PersonaValues, bodyOf, emptyValues, problemPaths, validate, valuesOf } from "./persona/form";
import { PersonaFields } from "./persona/PersonaFields";
import { aiKeys } from "./queries";

export default function PersonaEditorPage() {
  const { personaId } = useParams();
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: aiKeys.persona(personaId ?? "new"),
    queryFn: () => getPersona(personaId!),
    enabled: Boolean(personaId),
  });
  if (personaId && query.isError)
    return (
      <Stack>
        <AiNav />
        <LoadFailed title={t("ai.editor.loadFailed")} error={query.error} retry={() => void query.refetch()} />
      </Stack>
    );
  if (personaId && !query.data)
    return (
      <Stack>
        <AiNav />
        <Skeleton height={400} />
      </Stack>
    );
  return <Editor key={query.data?.id ?? "new"} persona={query.data ?? null} />;
}

function Editor({ persona }: { persona: Persona | null }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { role, me } = useAccess();
  const readOnly = !atLeast(role, "manager");
  const timeZone = me.data?.tenant.timezone ?? "America/Sao_Paulo";
  const [version, setVersion] = useState(persona?.version ?? null);
  const [stale, setStale] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const form = useForm<PersonaValues>({
    mode: "controlled",
    initialValues: persona ? valuesOf(persona, timeZone) : emptyValues(timeZone),
    validate: (values) => validate(values, t),
  });

  const accounts = useQuery({ queryKey: channelKeys.accounts, queryFn: listAccounts, retry: false });
  const bases = useQuery({
    queryKey: aiKeys.allBases,
    queryFn: () => listKnowledgeBases({ cursor: null, limit: 200 }),
  });
  const people = useQuery({ queryKey: ["pipelines", "people"], queryFn: fetchTeammates, staleTime: 60_000, retry: false });
  const teams = useTeams();
  const pipelines = useQuery({ queryKey: pipelineKeys.list, queryFn: listPipelines, retry: false });
  // Only for what an empty model means: without it the hint says so more generally.
  const model = useQuery({ queryKey: aiKeys.model, queryFn: getModelSettings, retry: false });
  const options = {
    accounts: (accounts.data ?? []).map((account) => ({
      value: account.id,
      label: account.phone_number ? `${account.display_name} (${account.phone_number})` : account.display_name,
    })),
    bases: (bases.data?.items ?? []).map((base) => ({ value: base.id, label: base.name })),
    people: (people.data ?? []).map((user) => ({ value: user.id, label: user.name || user.email })),
    teams: (teams.data ?? []).map((team) => ({ value: team.id, label: team.name })),
    teamsFailed: teams.isError,
    stages: (pipelines.data?.items ?? []).map((pipeline) => ({
      group: pipeline.name,
      items: [...pipeline.stages]
        .sort((a, b) => a.position - b.position)
        .map((stage) => ({ value: stage.id, label: `${stage.name} (${pipeline.name})` })),
    })),
    stagesFailed: pipelines.isError,
    chatModel: model.data?.chat_model ?? null,
  };

  // A tenant's time zone arrives after the first render of a new persona.
  useEffect(() => {
    if (!persona && me.data?.tenant.timezone && !form.isDirty("time_zone"))
      form.setFieldValue("time_zone", me.data.tenant.timezone);
  }, [me.data?.tenant.timezone]);

  const save = useMutation({
    mutationFn: (values: PersonaValues) =>
      persona ? updatePersona(persona.id, { ...bodyOf(values), version }) : createPersona(bodyOf(values)),
    onSuccess: (saved) => {
      setFailure(null);
      setStale(false);
      setVersion(saved.version);
      queryClient.setQueryData(aiKeys.persona(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: ["ai", "personas"] });
      notifications.show({ color: "green", message: t(persona ? "ai.editor.saved" : "ai.editor.created") });
      form.resetDirty();
      if (!persona) navigate(`/ai/personas/${saved.id}`, { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === "persona_version_stale") {
        setStale(true);
        return;
      }
      if (error instanceof ApiError) {
        const errors = problemPaths(error);
        if (Object.keys(errors).length) form.setErrors(errors);
        setFailure(describeProblem(error.problem, t("ai.editor.saveFailed")));
      } else setFailure(t("ai.editor.saveFailed"));
    },
  });

  const remove = useMutation({
    mutationFn: () => deletePersona(persona!.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["ai", "personas"] });
      notifications.show({ color: "green", message: t("ai.editor.deleted") });
      navigate("/ai/personas");
    },
    onError: (error) => setFailure(describeProblem((error as ApiError).problem, t("ai.editor.saveFailed"))),
  });

  const reload = async () => {
    const fresh = await queryClient.fetchQuery({ queryKey: aiKeys.persona(persona!.id), queryFn: () => getPersona(persona!.id) });
    form.setValues(valuesOf(fresh, timeZone));
    form.resetDirty();
    setVersion(fresh.version);
    setStale(false);
  };

  return (
    <Stack gap="md" maw={860}>
      <AiNav />
      <Group justify="space-between">
        <Title order={2}>{persona ? persona.name : t("ai.editor.newTitle")}</Title>
        {persona && (
          <Button component={Link} to={`/ai/console?persona=${persona.id}`} variant="light" leftSection={<IconMessageChatbot size={16} />}>
            {t("ai.personas.tryIt")}
          </Button>
        )}
      </Group>
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack gap="md">
          <PersonaFields form={form} options={options} readOnly={readOnly} />
          {stale && (
            <Alert color="yellow" title={t("ai.editor.stale")}>
              <Button size="xs" variant="light" onClick={() => void reload()}>
                {t("ai.editor.reload")}
              </Button>
            </Alert>
          )}
          {failure && (
            <Alert color="red" title={t("ai.editor.saveFailed")}>
              {failure}
            </Alert>
          )}
          {!readOnly && (
            <Group justify="space-between">
              {persona ? (
                <Button
                  color="red"
                  variant="subtle"
                  leftSection={<IconTrash size={16} />}
                  loading={remove.isPending}
                  onClick={() => setConfirming(true)}
                >
                  {t("ai.delete")}
                </Button>
              ) : (
                <span />
              )}
              <Button type="submit" loading={save.isPending}>
                {t("ai.save")}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
      <ConfirmDialog
        opened={confirming}
        title={t("ai.delete")}
        body={t("ai.editor.deleteConfirm")}
        confirmLabel={t("ai.delete")}
        loading={remove.isPending}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirming(false)}
      />
    </Stack>
  );
}
