// The cadence builder (/cadences/new and /cadences/:id/edit): name, number, time zone, the
// steps, triggers, business hours and when to stop. What the API refuses shows where it
// belongs: a 422 naming steps[i] in that step's card, the 409 of a cadence people are
// walking (its steps' kinds and order stay) above the steps.
import { Alert, Anchor, Button, Group, List, Select, Skeleton, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { type Cadence, createCadence, getCadence, updateCadence } from "../../api/cadencesApi";
import { ApiError, problemMessage } from "../../api/client";
import { useMe } from "../../auth/useMe";
import { StepList } from "./builder/StepList";
import { OptionsEditor } from "./builder/Options";
import { AccountSelect, TriggersEditor } from "./builder/Settings";
import { type CadenceDraft, createOf, draftOfCadence, emptyDraft, settingsProblems, updateOf } from "./builder/draft";
import { cadenceKeys, countOf } from "./queries";
import { problemsOf, serverProblems } from "./steps";
import { timeZones } from "./weekdays";

export default function CadenceBuilderPage() {
  const { cadenceId } = useParams();
  return cadenceId ? <EditCadence cadenceId={cadenceId} /> : <NewCadence />;
}

function NewCadence() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  const zone = me.data?.tenant.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  return <Builder initial={emptyDraft(zone)} />;
}

function EditCadence({ cadenceId }: { cadenceId: string }) {
  const { t } = useTranslation();
  const query = useQuery({ queryKey: cadenceKeys.detail(cadenceId), queryFn: () => getCadence(cadenceId) });
  if (query.isError) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <Stack gap="md">
        <BackLink />
        <Alert color="red" title={t(missing ? "cadences.builder.notFound" : "cadences.builder.loadFailed")}>
          {!missing && (
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{problemMessage((query.error as ApiError).problem, "")}</Text>
              <Button size="xs" variant="light" onClick={() => void query.refetch()}>
                {t("cadences.retry")}
              </Button>
            </Stack>
          )}
        </Alert>
      </Stack>
    );
  }
  if (!query.data) return <Loading />;
  if (query.data.status === "archived") {
    return (
      <Stack gap="md">
        <BackLink to={`/cadences/${cadenceId}`} />
        <Alert color="yellow">{t("cadences.builder.archived")}</Alert>
      </Stack>
    );
  }
  // Keyed by the version read, so a newer one read later starts the form again.
  return <Builder key={query.data.updated_at} initial={draftOfCadence(query.data)} cadence={query.data} />;
}

function Loading() {
  const { t } = useTranslation();
  return (
    <Stack gap="md" role="status" aria-label={t("app.loading")}>
      <Skeleton height={32} width="40%" />
      <Skeleton height={200} />
    </Stack>
  );
}

function BackLink({ to = "/cadences" }: { to?: string }) {
  const { t } = useTranslation();
  return (
    <Anchor component={Link} to={to} size="sm">
      {t(to === "/cadences" ? "cadences.builder.back" : "cadences.builder.backToCadence")}
    </Anchor>
  );
}

interface Refusal {
  byStep: Map<number, string[]>;
  general: string[];
  /** The API's words when the steps' kinds or order may not change now. */
  locked: string | null;
}

const NO_REFUSAL: Refusal = { byStep: new Map(), general: [], locked: null };

function refusalOf(error: unknown, fallback: string): Refusal {
  if (error instanceof ApiError && error.code === "cadence_steps_locked") {
    return { ...NO_REFUSAL, locked: error.message };
  }
  if (error instanceof ApiError && error.status === 422) return { ...serverProblems(error), locked: null };
  return { ...NO_REFUSAL, general: [error instanceof ApiError ? error.message : fallback] };
}

function Builder({ initial, cadence }: { initial: CadenceDraft; cadence?: Cadence }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const editing = cadence !== undefined;
  const [draft, setDraft] = useState(initial);
  const [tried, setTried] = useState(false);
  const [refusal, setRefusal] = useState<Refusal>(NO_REFUSAL);
  const stepProblems = problemsOf(draft.steps);
  const settings = settingsProblems(draft, editing);
  const active = cadence ? countOf(cadence, "active") : 0;

  const change = (next: Partial<CadenceDraft>) => {
    setDraft((old) => ({ ...old, ...next }));
    // The API's step numbers no longer hold once the steps move.
    if (next.steps) setRefusal((old) => ({ ...old, byStep: new Map() }));
  };
  const save = useMutation({
    mutationFn: () => (cadence ? updateCadence(cadence.id, updateOf(draft)) : createCadence(createOf(draft))),
    onSuccess: (saved) => {
      queryClient.setQueryData(cadenceKeys.detail(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: ["cadences", "list"] });
      notifications.show({ color: "brand", closeButtonProps: { "aria-label": t("cadences.detail.close") }, message: t("cadences.builder.saved") });
      navigate(`/cadences/${saved.id}`);
    },
    onError: (error) => setRefusal(refusalOf(error, t("cadences.builder.saveFailed"))),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (stepProblems.size > 0 || Object.keys(settings).length > 0) return;
    setRefusal(NO_REFUSAL);
    save.mutate();
  };
  const settingError = (field: string) => (tried && settings[field] ? t(`cadences.builder.${settings[field]}`) : undefined);
  const zones = timeZones(draft.timeZone);

  return (
    <form onSubmit={submit} noValidate>
    <Stack gap="md" maw={900}>
      <BackLink to={cadence ? `/cadences/${cadence.id}` : "/cadences"} />
      <Title order={2}>
        {cadence ? t("cadences.builder.editTitle", { name: cadence.name }) : t("cadences.builder.newTitle")}
      </Title>
      <TextInput
        label={t("cadences.builder.name")}
        value={draft.name}
        maxLength={200}
        required
        onChange={(event) => change({ name: event.currentTarget.value })}
        error={settingError("name")}
      />
      <Group grow align="flex-start">
        <AccountSelect draft={draft} onChange={change} locked={editing} error={settingError("account")} />
        <Select
          label={t("cadences.builder.timeZone")}
          description={t("cadences.builder.timeZoneHint")}
          data={zones}
          value={draft.timeZone}
          onChange={(value) => value && change({ timeZone: value })}
          searchable
          allowDeselect={false}
          limit={100}
        />
      </Group>

      {active > 0 && !refusal.locked && (
        <Alert color="blue">{t("cadences.builder.lockedNotice", { count: active })}</Alert>
      )}
      {refusal.locked && (
        <Alert color="red" title={t("cadences.builder.lockedTitle")} role="alert">
          <Text size="sm">{refusal.locked}</Text>
          <Text size="sm" mt={4}>
            {t("cadences.builder.lockedHint")}
          </Text>
        </Alert>
      )}
      {refusal.general.length > 0 && (
        <Alert color="red" title={t("cadences.builder.saveFailed")} role="alert">
          <List size="sm">
            {refusal.general.map((text) => (
              <List.Item key={text}>{text}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {(refusal.byStep.size > 0 || (tried && stepProblems.size > 0)) && (
        <Text size="sm" c="red.8" role="alert">
          {t("cadences.builder.fixSteps")}
        </Text>
      )}

      <StepList
        steps={draft.steps}
        onChange={(steps) => change({ steps })}
        problems={tried ? stepProblems : new Map()}
        serverProblems={refusal.byStep}
        accountId={draft.accountId}
        channel={draft.channel}
      />
      <TriggersEditor draft={draft} onChange={change} problems={tried ? settings : {}} />
      <OptionsEditor draft={draft} onChange={change} hoursError={settingError("hours")} />

      <Group justify="flex-end">
        <Button component={Link} to={cadence ? `/cadences/${cadence.id}` : "/cadences"} variant="default">
          {t("cadences.builder.cancel")}
        </Button>
        <Button type="submit" loading={save.isPending}>
          {cadence ? t("cadences.builder.save") : t("cadences.builder.create")}
        </Button>
      </Group>
    </Stack>
    </form>
  );
}
