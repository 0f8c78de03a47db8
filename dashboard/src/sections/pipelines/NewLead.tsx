// "New lead": a form opened from the board's header, a column's "+" or the list view. The
// contact is picked from the contact list's search (name, email or phone digits) in a
// combobox the keyboard works (arrows, enter, escape); the stage defaults to the column it
// was opened from, else the pipeline's first open stage. The created card goes on top of its
// column at once (where the crm puts new cards), and the column and totals refetch.
import { Button, Group, Modal, Select, Stack, TextInput, Textarea } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { describeProblem } from "../team/problem";
import {
  COMMON_CURRENCIES,
  type ContactChoice,
  type Currency,
  DEFAULT_CURRENCY,
  type LeadDetail,
  type Stage,
  createLead,
  searchContacts,
} from "./api";
import { usePeople } from "./people";
import { addLead } from "./queries";
import { MoneyInput } from "./MoneyInput";

interface NewLeadProps {
  /** Open for this stage (null: the pipeline's first open stage); closed when undefined. */
  stageId: string | null | undefined;
  pipelineId: string;
  stages: Stage[];
  /** The currency the board's cards use, offered first. */
  currency?: string | null;
  onClose: () => void;
  onCreated?: (lead: LeadDetail) => void;
}

export function NewLeadModal({ stageId, pipelineId, stages, currency, onClose, onCreated }: NewLeadProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={stageId !== undefined}
      onClose={onClose}
      title={t("pipelines.newLead.title")}
      closeButtonProps={{ "aria-label": t("pipelines.newLead.close") }}
      centered
    >
      {stageId !== undefined && (
        <NewLeadForm
          pipelineId={pipelineId}
          stages={stages}
          initialStageId={stageId}
          currency={currency}
          onClose={onClose}
          onCreated={onCreated}
        />
      )}
    </Modal>
  );
}

function firstStage(stages: Stage[]): string | null {
  return (stages.find((stage) => stage.kind === "open") ?? stages[0])?.id ?? null;
}

export function contactChoiceLabel(contact: Pick<ContactChoice, "name" | "phone" | "email" | "user_id">): string {
  const who = contact.name || contact.phone || contact.email || contact.user_id || "—";
  const detail = contact.name ? contact.phone || contact.email : null;
  return detail ? `${who} · ${detail}` : who;
}

function NewLeadForm({
  pipelineId,
  stages,
  initialStageId,
  currency: boardCurrency,
  onClose,
  onCreated,
}: {
  pipelineId: string;
  stages: Stage[];
  initialStageId: string | null;
  currency?: string | null;
  onClose: () => void;
  onCreated?: (lead: LeadDetail) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { people } = usePeople();
  const [contact, setContact] = useState<ContactChoice | null>(null);
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 250);
  const [title, setTitle] = useState("");
  const [value, setValue] = useState<string | number>("");
  const [currency, setCurrency] = useState<string>(boardCurrency || DEFAULT_CURRENCY);
  const [stageId, setStageId] = useState<string | null>(initialStageId ?? firstStage(stages));
  const [owner, setOwner] = useState<string | null>(null);
  const [lostReason, setLostReason] = useState("");
  const [touched, setTouched] = useState(false);
  const stage = stages.find((item) => item.id === stageId);
  // The search as typed, unless it is the picked contact's own label (the combobox shows it).
  const typed = contact && q === contactChoiceLabel(contact) ? "" : q;
  const found = useQuery({
    queryKey: ["pipelines", "contact-search", typed],
    queryFn: () => searchContacts(typed),
    staleTime: 10_000,
  });
  const choices = [...(contact ? [contact] : []), ...(found.data?.items ?? []).filter((item) => item.id !== contact?.id)];
  const currencies = [...new Set([currency, boardCurrency, ...COMMON_CURRENCIES].filter(Boolean) as string[])];

  const create = useMutation({
    mutationFn: () =>
      createLead({
        contact_id: contact!.id,
        title: title.trim(),
        pipeline_id: pipelineId,
        stage_id: stageId,
        value: value === "" ? "0" : String(value),
        currency: currency as Currency,
        owner_user_id: owner,
        ...(stage?.kind === "lost" ? { lost_reason: lostReason.trim() } : {}),
      }),
    onSuccess: (lead) => {
      addLead(queryClient, lead);
      notifications.show({ color: "brand", message: t("pipelines.newLead.created", { title: lead.title }) });
      onCreated?.(lead);
      onClose();
    },
    onError: (error) =>
      notifications.show({
        color: "red",
        title: t("pipelines.newLead.failed"),
        message: describeProblem(error instanceof ApiError ? error.problem : error, t("pipelines.newLead.failed")),
      }),
  });

  const needsReason = stage?.kind === "lost" && !lostReason.trim();
  const ready = Boolean(contact && title.trim() && stageId && !needsReason);
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (ready) create.mutate();
      }}
    >
      <Stack gap="sm">
        <Select
          label={t("pipelines.newLead.contact")}
          placeholder={t("pipelines.newLead.contactPlaceholder")}
          description={t("pipelines.newLead.contactHint")}
          data={choices.map((item) => ({ value: item.id, label: contactChoiceLabel(item) }))}
          value={contact?.id ?? null}
          onChange={(id) => setContact(choices.find((item) => item.id === id) ?? null)}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          // The crm searched already (name, email, phone digits): every answer is shown.
          filter={({ options }) => options}
          nothingFoundMessage={found.isFetching ? t("pipelines.newLead.searching") : t("pipelines.newLead.noContacts")}
          error={touched && !contact ? t("pipelines.newLead.contactRequired") : undefined}
          required
          clearable
          data-autofocus
        />
        <TextInput
          label={t("pipelines.newLead.leadTitle")}
          value={title}
          onChange={(event) => setTitle(event.currentTarget.value)}
          error={touched && !title.trim() ? t("pipelines.drawer.titleRequired") : undefined}
          maxLength={200}
          required
        />
        <Group grow align="flex-start">
          <MoneyInput label={t("pipelines.newLead.value")} value={value} onChange={setValue} />
          <Select
            label={t("pipelines.newLead.currency")}
            data={currencies}
            value={currency}
            onChange={(next) => next && setCurrency(next)}
            allowDeselect={false}
            searchable
          />
        </Group>
        <Select
          label={t("pipelines.newLead.stage")}
          data={stages.map((item) => ({ value: item.id, label: item.name }))}
          value={stageId}
          onChange={(next) => next && setStageId(next)}
          allowDeselect={false}
          required
        />
        <Select
          label={t("pipelines.newLead.owner")}
          placeholder={t("pipelines.card.unassigned")}
          data={people.map((person) => ({ value: person.id, label: person.name }))}
          value={owner}
          onChange={setOwner}
          clearable
          searchable
        />
        {stage?.kind === "lost" && (
          <Textarea
            label={t("pipelines.drawer.lostReason")}
            error={touched && needsReason ? t("pipelines.drawer.lostReasonRequired") : undefined}
            value={lostReason}
            onChange={(event) => setLostReason(event.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={500}
            required
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("pipelines.newLead.cancel")}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t("pipelines.newLead.create")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
