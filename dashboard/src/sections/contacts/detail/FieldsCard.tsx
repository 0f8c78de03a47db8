// The contact's custom fields, each with the input of its kind; the crm validates them and
// names the field at fault, and that message shows under the field.
import { Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ContactsError } from "../../../api/contacts";
import { type CustomField, type FieldValue, updateProfile, problemText } from "../crm";
import { contactKeys, useCustomFields } from "../queries";
import { FieldInput } from "./FieldInput";

type Values = Record<string, FieldValue>;

const same = (a: FieldValue | undefined, b: FieldValue | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What the browser can tell before asking the crm: a number that is not one, an email or a URL that cannot be. */
export function localProblem(field: CustomField, value: FieldValue | undefined, t: (key: string) => string): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (field.kind === "email" && typeof value === "string" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
    return t("contacts.fields.emailInvalid");
  }
  if (field.kind === "url" && typeof value === "string" && !/^https?:\/\/\S+\.\S+/.test(value)) {
    return t("contacts.fields.urlInvalid");
  }
  if (field.kind === "number" && typeof value !== "number") return t("contacts.fields.numberInvalid");
  return null;
}

/** The message for each field a 422 `invalid_field_value` names, by the field's key. */
export function fieldErrors(error: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  const problem = error instanceof ContactsError ? error.problem : undefined;
  for (const entry of problem?.errors ?? []) {
    const key = entry.loc[entry.loc.length - 1];
    if (typeof key === "string") found[key] = entry.msg.replace(/^Value error, /, "");
  }
  return found;
}

export function FieldsCard({ contactId, values }: { contactId: string; values: Values }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const fields = useCustomFields();
  const [draft, setDraft] = useState<Values>(values);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const saved = JSON.stringify(values);
  useEffect(() => {
    setDraft(JSON.parse(saved) as Values);
  }, [saved]);
  const changed = (fields.data ?? []).filter((field) => !same(draft[field.key], values[field.key]));

  const save = useMutation({
    mutationFn: (changes: Values) => updateProfile(contactId, { fields: changes }),
    onSuccess: () => {
      setErrors({});
      void queryClient.invalidateQueries({ queryKey: contactKeys.detail(contactId) });
      void queryClient.invalidateQueries({ queryKey: ["contacts", "list"] });
      notifications.show({ color: "brand", message: t("contacts.fields.saved") });
    },
    onError: (error) => {
      setErrors(fieldErrors(error));
      notifications.show({
        color: "red",
        title: t("contacts.fields.saveFailed"),
        message: problemText(error, t("contacts.fields.saveFailed")),
      });
    },
  });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    for (const field of changed) {
      const problem = localProblem(field, draft[field.key], t);
      if (problem) local[field.key] = problem;
    }
    setErrors(local);
    if (Object.keys(local).length || changed.length === 0) return;
    save.mutate(Object.fromEntries(changed.map((field) => [field.key, draft[field.key] ?? null])));
  };

  return (
    <Card withBorder padding="lg">
      <form onSubmit={submit} noValidate aria-label={t("contacts.fields.title")}>
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t("contacts.fields.title")}
          </Title>
          {fields.data?.length === 0 && (
            <Text size="sm" c="dimmed">
              {t("contacts.fields.none")}{" "}
              <Link to="/settings/crm">{t("contacts.fields.define")}</Link>
            </Text>
          )}
          {(fields.data ?? []).map((field) => (
            <FieldInput
              key={field.id}
              field={field}
              value={draft[field.key]}
              error={errors[field.key]}
              onChange={(value) => setDraft((current) => ({ ...current, [field.key]: value }))}
            />
          ))}
          {(fields.data?.length ?? 0) > 0 && (
            <Group justify="flex-end" gap="xs">
              <Button variant="default" disabled={!changed.length} onClick={() => { setDraft(values); setErrors({}); }}>
                {t("contacts.detail.cancel")}
              </Button>
              <Button type="submit" disabled={!changed.length} loading={save.isPending}>
                {t("contacts.fields.save")}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}
