// Connecting a channel account: one form per kind (WhatsApp Cloud API number, Twilio SMS
// account), checked here as the sender checks it, the sender's own refusals shown at the
// fields they name.
import {
  Alert,
  Button,
  Group,
  List,
  Modal,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  type AccountCreate,
  type ChannelAccount,
  ChannelsError,
  createAccount,
  fieldOf,
} from "../../api/channels";
import { problemMessage } from "../../api/client";
import { type ManagedChannel, channelKeys } from "./queries";

const E164 = /^\+[1-9]\d{6,14}$/;
const META_ID = /^\d{1,64}$/;
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const TIERS = ["250", "2000", "10000", "100000", "unlimited"] as const;
type Tier = (typeof TIERS)[number];

// Named as the API names them, so the sender's 422 entries land on their fields.
const EMPTY = {
  display_name: "",
  phone_number: "",
  phone_number_id: "",
  waba_id: "",
  business_id: "",
  access_token: "",
  app_secret: "",
  messaging_tier: "",
  account_sid: "",
  auth_token: "",
  from_number: "",
  messaging_service_sid: "",
};
type Values = typeof EMPTY;
type Field = keyof Values;

const FIELDS: Record<ManagedChannel, Field[]> = {
  whatsapp_cloud: [
    "display_name",
    "phone_number",
    "phone_number_id",
    "waba_id",
    "business_id",
    "access_token",
    "app_secret",
    "messaging_tier",
  ],
  sms: ["display_name", "account_sid", "auth_token", "from_number", "messaging_service_sid"],
};

/** The request body for the kind picked: blank optional fields left out. */
export function bodyOf(kind: ManagedChannel, raw: Values): AccountCreate {
  const v = Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [key, value.trim()]),
  ) as Values;
  if (kind === "sms") {
    return {
      channel: "sms",
      provider: "twilio",
      display_name: v.display_name,
      account_sid: v.account_sid,
      auth_token: v.auth_token,
      ...(v.from_number ? { from_number: v.from_number } : {}),
      ...(v.messaging_service_sid ? { messaging_service_sid: v.messaging_service_sid } : {}),
    };
  }
  return {
    channel: "whatsapp_cloud",
    display_name: v.display_name,
    phone_number: v.phone_number,
    phone_number_id: v.phone_number_id,
    waba_id: v.waba_id,
    ...(v.business_id ? { business_id: v.business_id } : {}),
    access_token: v.access_token,
    app_secret: v.app_secret,
    ...(v.messaging_tier ? { messaging_tier: v.messaging_tier as Tier } : {}),
  };
}

interface AddConnectionModalProps {
  opened: boolean;
  onClose: () => void;
  initialKind?: ManagedChannel;
}

export function AddConnectionModal({ opened, onClose, initialKind }: AddConnectionModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t("connections.form.title")} size="lg">
      {/* Mounted only while open: every opening starts from an empty form. */}
      {opened && <AddConnectionForm onDone={onClose} initialKind={initialKind} />}
    </Modal>
  );
}

function AddConnectionForm({
  onDone,
  initialKind = "whatsapp_cloud",
}: {
  onDone: () => void;
  initialKind?: ManagedChannel;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<ManagedChannel>(initialKind);
  const [failure, setFailure] = useState<{ message: string; details: string[] } | null>(null);
  const form = useForm<Values>({
    mode: "controlled",
    initialValues: EMPTY,
    validate: (values) => validate(kind, values, t),
  });

  const create = useMutation({
    mutationFn: (body: AccountCreate) => createAccount(body),
    onSuccess: (account: ChannelAccount) => {
      queryClient.setQueryData<ChannelAccount[]>(channelKeys.accounts, (old) =>
        old ? [...old, account] : [account],
      );
      void queryClient.invalidateQueries({ queryKey: channelKeys.accounts });
      notifications.show({
        color: "brand",
        message: t("connections.form.created", {
          name: account.display_name || account.phone_number || account.account_sid,
        }),
      });
      onDone();
    },
    onError: (error) => {
      const problem = error instanceof ChannelsError ? error.problem : undefined;
      const unplaced: string[] = [];
      for (const entry of problem?.errors ?? []) {
        const field = fieldOf(entry);
        if (field && FIELDS[kind].includes(field as Field)) {
          form.setFieldError(field, entry.msg);
        } else {
          unplaced.push(entry.msg);
        }
      }
      const message = problemMessage(problem, t("connections.form.failed"));
      setFailure({ message, details: unplaced });
      notifications.show({ color: "red", title: t("connections.form.failed"), message });
    },
  });

  const submit = form.onSubmit((values) => {
    setFailure(null);
    create.mutate(bodyOf(kind, values));
  });

  const text = (field: Field, label: string, description?: string, required = true) => (
    <TextInput
      label={label}
      description={description}
      withAsterisk={required}
      autoComplete="off"
      {...form.getInputProps(field)}
    />
  );
  const secret = (field: Field, label: string, description?: string) => (
    <PasswordInput
      label={label}
      description={description}
      withAsterisk
      autoComplete="new-password"
      {...form.getInputProps(field)}
    />
  );

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <SegmentedControl
          aria-label={t("connections.form.kind")}
          value={kind}
          onChange={(value) => {
            setKind(value as ManagedChannel);
            form.clearErrors();
            setFailure(null);
          }}
          data={[
            { value: "whatsapp_cloud", label: t("connections.form.whatsapp") },
            { value: "sms", label: t("connections.form.sms") },
          ]}
        />
        {failure && (
          <Alert color="red" title={t("connections.form.failed")}>
            {failure.message}
            {failure.details.length > 0 && (
              <List size="sm" mt={4}>
                {failure.details.map((detail) => (
                  <List.Item key={detail}>{detail}</List.Item>
                ))}
              </List>
            )}
          </Alert>
        )}
        {text("display_name", t("connections.form.displayName"), t("connections.form.displayNameHint"), false)}
        {kind === "whatsapp_cloud" ? (
          <>
            {text("phone_number", t("connections.form.phoneNumber"), t("connections.form.phoneNumberHint"))}
            {text("phone_number_id", t("connections.form.phoneNumberId"), t("connections.form.phoneNumberIdHint"))}
            {text("waba_id", t("connections.form.wabaId"))}
            {text("business_id", t("connections.form.businessId"), undefined, false)}
            {secret("access_token", t("connections.form.accessToken"), t("connections.form.accessTokenHint"))}
            {secret("app_secret", t("connections.form.appSecret"), t("connections.form.appSecretHint"))}
            <Select
              label={t("connections.form.tier")}
              description={t("connections.form.tierHint")}
              placeholder={t("connections.form.tierDefault")}
              clearable
              data={TIERS.map((tier) => ({
                value: tier,
                label: tier === "unlimited" ? t("connections.form.tierUnlimited") : tier,
              }))}
              {...form.getInputProps("messaging_tier")}
              value={form.values.messaging_tier || null}
              onChange={(value) => form.setFieldValue("messaging_tier", value ?? "")}
            />
          </>
        ) : (
          <>
            {text("account_sid", t("connections.form.accountSid"), t("connections.form.accountSidHint"))}
            {secret("auth_token", t("connections.form.authToken"))}
            {text("from_number", t("connections.form.fromNumber"), t("connections.form.fromNumberHint"), false)}
            {text(
              "messaging_service_sid",
              t("connections.form.messagingServiceSid"),
              t("connections.form.messagingServiceSidHint"),
              false,
            )}
          </>
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            {t("connections.form.cancel")}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t("connections.form.submit")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type Translate = (key: string) => string;

/** The sender's own rules (accounts/schemas.py), so most mistakes never leave the page. */
function validate(kind: ManagedChannel, raw: Values, t: Translate): Partial<Record<Field, string>> {
  const v = Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [key, value.trim()]),
  ) as Values;
  const errors: Partial<Record<Field, string>> = {};
  const required = t("connections.form.required");
  const need = (field: Field, ok: (value: string) => boolean, message: string) => {
    if (!v[field]) errors[field] = required;
    else if (!ok(v[field])) errors[field] = message;
  };
  const optional = (field: Field, ok: (value: string) => boolean, message: string) => {
    if (v[field] && !ok(v[field])) errors[field] = message;
  };
  const longEnough = (value: string) => value.length >= 8 && value.length <= 4096;
  if (v.display_name.length > 200) errors.display_name = t("connections.form.tooLong");
  if (kind === "whatsapp_cloud") {
    need("phone_number", (s) => E164.test(s), t("connections.form.e164"));
    need("phone_number_id", (s) => META_ID.test(s), t("connections.form.digits"));
    need("waba_id", (s) => META_ID.test(s), t("connections.form.digits"));
    optional("business_id", (s) => META_ID.test(s), t("connections.form.digits"));
    need("access_token", longEnough, t("connections.form.secretShort"));
    need("app_secret", longEnough, t("connections.form.secretShort"));
  } else {
    need("account_sid", (s) => ACCOUNT_SID.test(s), t("connections.form.accountSidShape"));
    need("auth_token", longEnough, t("connections.form.secretShort"));
    optional("from_number", (s) => E164.test(s), t("connections.form.e164"));
    optional("messaging_service_sid", (s) => SERVICE_SID.test(s), t("connections.form.serviceSidShape"));
    if (!v.from_number && !v.messaging_service_sid) {
      errors.from_number = t("connections.form.senderRequired");
    }
  }
  return errors;
}
