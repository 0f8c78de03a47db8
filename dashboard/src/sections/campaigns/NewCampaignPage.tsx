// A new campaign, step by step: audience → message → schedule and limits → review →
// launch. Every step's values live in one form, so going back and forth keeps what was
// typed. The draft is created when the message step is left and updated on later changes,
// so the review shows the service's own figures; a problem the API answers is shown next to
// the field it names, on that field's step.
import { Alert, Anchor, Button, Group, Stack, Stepper, Text, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import {
  type Campaign,
  type CampaignCreate,
  createCampaign,
  deleteCampaign,
  launchCampaignWith,
  updateCampaign,
} from "../../api/campaignsApi";
import { listAccounts } from "../../api/channels";
import { type Contact, listContacts } from "../../api/contacts";
import { ApiError, problemMessage } from "../../api/client";
import { useMe } from "../../auth/useMe";
import { channelKeys } from "../connections/queries";
import { campaignKeys, wizardKeys } from "./queries";
import { AudienceStep } from "./wizard/AudienceStep";
import {
  STEPS,
  type WizardValues,
  draftChanges,
  draftCreate,
  initialValues,
  launchRequest,
  pathOfCode,
  pathOfProblem,
  stepOfPath,
  validateStep,
} from "./wizard/draft";
import { MessageStep } from "./wizard/MessageStep";
import { ReviewStep } from "./wizard/ReviewStep";
import { sampleOf } from "./wizard/sample";
import { ScheduleStep } from "./wizard/ScheduleStep";

/** The draft as last saved: which number it belongs to and what was sent, so an unchanged
 *  step is not saved again; the version keys the review. */
interface SavedDraft {
  id: string;
  accountId: string;
  sent: string;
  version: number;
}

/** A pydantic message without its "Value error, " prefix. */
const readable = (message: string) => message.replace(/^Value error, /, "");

export default function NewCampaignPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useMe();
  const companyZone = me.data?.tenant.timezone ?? "UTC";
  const accounts = useQuery({ queryKey: channelKeys.accounts, queryFn: listAccounts });
  const usable = (accounts.data ?? []).filter(
    (account) => account.status === "active" && (account.channel === "whatsapp_cloud" || account.channel === "sms"),
  );
  const form = useForm<WizardValues>({ mode: "controlled", initialValues: initialValues("") });
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<SavedDraft | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [picked, setPicked] = useState<Contact | null>(null);
  const formRef = useRef(form);
  formRef.current = form;

  // The send window starts in the company's zone, once it is known.
  useEffect(() => {
    if (me.data && !formRef.current.values.windowTimeZone)
      formRef.current.setFieldValue("windowTimeZone", me.data.tenant.timezone);
  }, [me.data]);

  const account = usable.find((candidate) => candidate.id === form.values.accountId);
  const sms = account?.channel === "sms";
  // SMS has no templates: a template chosen for a number that became an SMS account goes.
  useEffect(() => {
    if (!sms) return;
    const current = formRef.current;
    if (current.values.messageKind === "template") current.setFieldValue("messageKind", "text");
    current.values.variants.forEach((variant, index) => {
      if (variant.message.type === "template") current.setFieldValue(`variants.${index}.message.type`, "text");
    });
  }, [sms]);

  // The preview's contact: the first one picked, else any of the company's.
  const anyContact = useQuery({
    queryKey: wizardKeys.sampleContact,
    queryFn: async () => (await listContacts({ q: "", cursor: null, limit: 1 })).items[0] ?? null,
    staleTime: 5 * 60_000,
  });
  const sample = sampleOf(form.values.audienceKind === "contacts" && picked ? picked : anyContact.data);

  /** Shows what the API refused next to its fields (on the first step holding one), or
   *  above the buttons when it names none. */
  const showProblem = (error: unknown, fallback: string) => {
    const values = formRef.current.values;
    const errors: Record<string, string> = {};
    if (error instanceof ApiError) {
      for (const entry of error.problem?.errors ?? []) {
        const path = pathOfProblem(entry.loc, values);
        if (path && !errors[path]) errors[path] = readable(entry.msg);
      }
      const byCode = pathOfCode(error.code, values);
      if (Object.keys(errors).length === 0 && byCode) errors[byCode] = error.problem?.detail ?? fallback;
    }
    const paths = Object.keys(errors);
    if (paths.length > 0) {
      formRef.current.setErrors(errors);
      setStep(Math.min(...paths.map((path) => STEPS.indexOf(stepOfPath(path)))));
      setProblem(t("campaigns.wizard.fixBelow"));
    } else {
      setProblem(problemMessage(error instanceof ApiError ? error.problem : undefined, fallback));
    }
  };

  const save = useMutation({
    mutationFn: async (values: WizardValues): Promise<SavedDraft> => {
      const changes = draftChanges(values);
      const sent = JSON.stringify(changes);
      if (draft && draft.accountId === values.accountId) {
        if (draft.sent === sent) return draft;
        await updateCampaign(draft.id, changes);
        return { ...draft, sent, version: draft.version + 1 };
      }
      // A draft's number cannot change: another number means another draft.
      if (draft) await deleteCampaign(draft.id).catch(() => undefined);
      const channel = usable.find((candidate) => candidate.id === values.accountId)!.channel as CampaignCreate["channel"];
      const created: Campaign = await createCampaign(draftCreate(values, channel));
      return { id: created.id, accountId: values.accountId!, sent, version: (draft?.version ?? 0) + 1 };
    },
    onSuccess: (saved) => {
      setDraft(saved);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all });
    },
  });

  const launch = useMutation({
    mutationFn: (campaignId: string) => launchCampaignWith(campaignId, launchRequest(form.values, companyZone)),
    onSuccess: (campaign) => {
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all });
      notifications.show({
        color: "green",
        message: t(campaign.status === "scheduled" ? "campaigns.wizard.review.scheduled" : "campaigns.wizard.review.launched"),
      });
      navigate(`/campaigns/${campaign.id}`);
    },
    onError: (error) => showProblem(error, t("campaigns.wizard.review.launchFailed")),
  });

  const next = async () => {
    const values = form.values;
    const errors = validateStep(STEPS[step] ?? "review", values, t, { companyZone });
    form.setErrors(errors);
    if (Object.keys(errors).length > 0) return;
    setProblem(null);
    // The draft is created when the message is written, and follows later changes.
    if (step >= 1 || draft) {
      try {
        await save.mutateAsync(values);
      } catch (error) {
        showProblem(error, t("campaigns.wizard.saveFailed"));
        return;
      }
    }
    setStep(step + 1);
  };

  const back = () => {
    setProblem(null);
    setStep(Math.max(0, step - 1));
  };

  const stepLabel = (name: (typeof STEPS)[number]) => ({
    label: t(`campaigns.wizard.steps.${name}`),
    description: t(`campaigns.wizard.steps.${name}Hint`),
  });

  return (
    <Stack gap="md" maw={1100}>
      <Anchor component={Link} to="/campaigns" size="sm">
        {t("campaigns.wizard.cancel")}
      </Anchor>
      <div>
        <Title order={2}>{t("campaigns.wizard.title")}</Title>
        <Text c="dimmed">{t("campaigns.wizard.intro")}</Text>
      </div>
      <form
        noValidate
        aria-label={t("campaigns.wizard.title")}
        onSubmit={(event) => {
          event.preventDefault();
          if (step < STEPS.length - 1) void next();
        }}
      >
        <Stepper
          active={step}
          size="sm"
          allowNextStepsSelect={false}
          onStepClick={(index) => index < step && !launch.isPending && setStep(index)}
        >
          <Stepper.Step {...stepLabel("audience")}>
            <AudienceStep
              form={form}
              accounts={usable}
              accountsLoaded={accounts.isSuccess}
              onPicked={(ids, first) => setPicked(ids.length === 0 ? null : (first ?? picked))}
            />
          </Stepper.Step>
          <Stepper.Step {...stepLabel("message")}>
            <MessageStep form={form} sms={sms} sample={sample} />
          </Stepper.Step>
          <Stepper.Step {...stepLabel("schedule")}>
            <ScheduleStep form={form} companyZone={companyZone} />
          </Stepper.Step>
          <Stepper.Step {...stepLabel("review")}>
            {draft && (
              <ReviewStep
                campaignId={draft.id}
                version={draft.version}
                scheduled={form.values.when === "later"}
                launching={launch.isPending}
                onLaunch={() => launch.mutate(draft.id)}
                onKeepDraft={() => {
                  notifications.show({ color: "green", message: t("campaigns.wizard.review.drafted") });
                  navigate(`/campaigns/${draft.id}`);
                }}
              />
            )}
          </Stepper.Step>
        </Stepper>
        {problem && (
          <Alert color="red" mt="md" title={save.isError ? t("campaigns.wizard.saveFailed") : undefined} role="alert">
            {problem}
          </Alert>
        )}
        <Group mt="lg" gap="sm">
          {step > 0 && (
            <Button variant="default" onClick={back} disabled={save.isPending || launch.isPending}>
              {t("campaigns.wizard.back")}
            </Button>
          )}
          {step < STEPS.length - 1 && (
            <Button type="submit" loading={save.isPending}>
              {t("campaigns.wizard.next")}
            </Button>
          )}
        </Group>
      </form>
    </Stack>
  );
}
