// The template library at Meta, through the sender (the only holder of Meta tokens): sync a
// number's templates into the library, and submit a library template for Meta's review.
// Both ask which WhatsApp number, since templates live per business account at Meta.
import { Alert, Button, Group, List, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCloudUpload, IconRefresh } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type MetaSyncResult, type Template, submitTemplate, syncMetaTemplates } from "../../api/campaignsApi";
import { listAccounts } from "../../api/channels";
import { problemMessage } from "../../api/client";
import { channelKeys } from "../connections/queries";
import { templateLibraryKeys } from "./queries";

const META_NAME = /^[a-z0-9_]{1,512}$/;

function useWhatsAppNumbers() {
  const accounts = useQuery({ queryKey: channelKeys.accounts, queryFn: listAccounts });
  const numbers = (accounts.data ?? []).filter((account) => account.channel === "whatsapp_cloud" && account.status === "active");
  return {
    loaded: accounts.isSuccess,
    options: numbers.map((account) => ({ value: account.id, label: account.display_name || account.phone_number || account.id })),
  };
}

function NumberSelect({ value, onChange, error }: { value: string | null; onChange: (value: string | null) => void; error?: string }) {
  const { t } = useTranslation();
  const numbers = useWhatsAppNumbers();
  return (
    <>
      <Select
        label={t("templates.metaActions.number")}
        withAsterisk
        data={numbers.options}
        value={value}
        onChange={onChange}
        error={error}
        comboboxProps={{ withinPortal: true }}
      />
      {numbers.loaded && numbers.options.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("templates.metaActions.noNumbers")}
        </Text>
      )}
    </>
  );
}

const failure = (error: unknown) => problemMessage((error as { problem?: unknown } | null)?.problem, (error as Error | null)?.message ?? "");

export function SyncFromMetaButton() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [accountId, setAccountId] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [result, setResult] = useState<MetaSyncResult | null>(null);
  const sync = useMutation({
    mutationFn: syncMetaTemplates,
    onSuccess: (outcome) => {
      setResult(outcome);
      void queryClient.invalidateQueries({ queryKey: templateLibraryKeys.all });
      notifications.show({
        color: "green",
        message: t("templates.metaActions.syncDone", {
          imported: outcome.imported.length,
          updated: outcome.updated,
          unchanged: outcome.unchanged,
        }),
      });
    },
  });
  const close = () => {
    setOpened(false);
    setResult(null);
    sync.reset();
  };

  return (
    <>
      <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={() => setOpened(true)}>
        {t("templates.metaActions.sync")}
      </Button>
      <Modal opened={opened} onClose={close} title={t("templates.metaActions.syncTitle")} centered>
        <Stack gap="sm">
          <Text size="sm">{t("templates.metaActions.syncBody")}</Text>
          <NumberSelect
            value={accountId}
            onChange={(value) => {
              setAccountId(value);
              setMissing(false);
            }}
            error={missing ? t("templates.metaActions.numberRequired") : undefined}
          />
          {sync.isError && (
            <Alert color="red" title={t("templates.metaActions.syncFailed")}>
              {failure(sync.error)}
            </Alert>
          )}
          {result && (
            <Alert color="green">
              <Text size="sm">
                {t("templates.metaActions.syncDone", { imported: result.imported.length, updated: result.updated, unchanged: result.unchanged })}
              </Text>
              {(result.skipped ?? []).length > 0 && (
                <List size="sm" mt="xs">
                  {(result.skipped ?? []).map((skipped) => (
                    <List.Item key={`${skipped.meta_name}-${skipped.language}`}>
                      {t("templates.metaActions.syncSkipped", { name: skipped.meta_name, language: skipped.language, reason: skipped.reason })}
                    </List.Item>
                  ))}
                </List>
              )}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={sync.isPending}>
              {t("templates.metaActions.cancel")}
            </Button>
            <Button
              loading={sync.isPending}
              onClick={() => (accountId ? sync.mutate(accountId) : setMissing(true))}
            >
              {t("templates.metaActions.syncRun")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Offered for a WhatsApp template of our library that Meta has not approved or is not
 *  reviewing (never sent, or rejected and since changed). */
export function canSubmit(template: Pick<Template, "channel" | "origin" | "meta_status">): boolean {
  const status = (template.meta_status ?? "").toUpperCase();
  return template.channel === "whatsapp" && template.origin !== "meta" && status !== "PENDING" && status !== "APPROVED";
}

export function SubmitToMetaButton({ template, onSubmitted }: { template: Template; onSubmitted: (template: Template) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [accountId, setAccountId] = useState<string | null>(template.channel_account_id);
  const [metaName, setMetaName] = useState("");
  const [errors, setErrors] = useState<{ number?: string; metaName?: string }>({});
  const submit = useMutation({
    mutationFn: () => submitTemplate(template.id, { channel_account_id: accountId!, ...(metaName.trim() ? { meta_name: metaName.trim() } : {}) }),
    onSuccess: (submitted) => {
      setOpened(false);
      void queryClient.invalidateQueries({ queryKey: templateLibraryKeys.all, refetchType: "none" });
      notifications.show({ color: "green", message: t("templates.metaActions.submitted") });
      onSubmitted(submitted);
    },
  });
  const run = () => {
    const found = {
      number: accountId ? undefined : t("templates.metaActions.numberRequired"),
      metaName: metaName.trim() && !META_NAME.test(metaName.trim()) ? t("templates.metaActions.metaNameInvalid") : undefined,
    };
    setErrors(found);
    if (!found.number && !found.metaName) submit.mutate();
  };

  return (
    <>
      <Button variant="light" leftSection={<IconCloudUpload size={16} />} onClick={() => setOpened(true)}>
        {t("templates.metaActions.submit")}
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={t("templates.metaActions.submitTitle")} centered>
        <Stack gap="sm">
          <Text size="sm">{t("templates.metaActions.submitBody")}</Text>
          <NumberSelect value={accountId} onChange={setAccountId} error={errors.number} />
          <TextInput
            label={t("templates.metaActions.metaName")}
            description={t("templates.metaActions.metaNameHint")}
            value={metaName}
            error={errors.metaName}
            onChange={(event) => setMetaName(event.currentTarget.value)}
          />
          {submit.isError && (
            <Alert color="red" title={t("templates.metaActions.submitFailed")}>
              {failure(submit.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)} disabled={submit.isPending}>
              {t("templates.metaActions.cancel")}
            </Button>
            <Button loading={submit.isPending} onClick={run}>
              {t("templates.metaActions.submitRun")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
