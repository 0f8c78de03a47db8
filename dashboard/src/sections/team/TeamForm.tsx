// Creating or editing a team: its name, what it is for, and its members picked from the
// company's users. The gateway's refusals land where they belong: a taken name on the
// name, a field it names on that field, anything else (unknown members) above the buttons.
import { Alert, Button, Group, Modal, Stack, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { type UseQueryResult, useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import type { Problem } from "../../api/client";
import { describeProblem } from "./problem";
import { type Pages, type Team, type User, mapPages, teamKeys } from "./queries";
import { MemberPicker } from "./MemberPicker";

const NAME_MAX = 100;
const DESCRIPTION_MAX = 500;

interface Values {
  name: string;
  description: string;
  member_ids: string[];
}

interface TeamFormProps {
  /** The team to edit; null: a new one. */
  team: Team | null;
  people: UseQueryResult<User[]>;
  onClose: () => void;
}

export function TeamForm({ team, people, onClose }: TeamFormProps) {
  const { t } = useTranslation();
  const form = useForm<Values>({
    initialValues: {
      name: team?.name ?? "",
      description: team?.description ?? "",
      member_ids: team?.member_ids ?? [],
    },
    validate: {
      name: (value) =>
        !value.trim()
          ? t("team.teams.nameRequired")
          : value.trim().length > NAME_MAX
            ? t("team.teams.nameTooLong")
            : null,
      description: (value) =>
        value.trim().length > DESCRIPTION_MAX ? t("team.teams.descriptionTooLong") : null,
    },
  });
  const save = useTeamSave(team, {
    onSaved: onClose,
    onFieldError: (field, message) => form.setFieldError(field, message),
  });

  return (
    <Modal
      opened
      onClose={onClose}
      title={team ? t("team.teams.editTitle", { name: team.name }) : t("team.teams.createTitle")}
      centered
      size="lg"
      closeButtonProps={{ "aria-label": t("team.teams.close") }}
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) =>
          save.mutate({
            name: values.name.trim(),
            description: values.description.trim() || null,
            member_ids: values.member_ids,
          }),
        )}
      >
        <Stack gap="md">
          <TextInput
            label={t("team.teams.name")}
            placeholder={t("team.teams.namePlaceholder")}
            withAsterisk
            data-autofocus
            {...form.getInputProps("name")}
          />
          <Textarea
            label={t("team.teams.description")}
            placeholder={t("team.teams.descriptionPlaceholder")}
            autosize
            minRows={2}
            maxRows={5}
            {...form.getInputProps("description")}
          />
          <MemberPicker
            people={people}
            value={form.values.member_ids}
            onChange={(ids) => form.setFieldValue("member_ids", ids)}
            error={form.errors.member_ids}
          />
          {save.isError && !save.fieldError && (
            <Alert color="red" title={t("team.teams.saveFailed")}>
              {describeProblem(save.error, t("team.teams.saveFailed"))}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={save.isPending}>
              {t("team.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {team ? t("team.teams.save") : t("team.teams.createSubmit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

type Field = keyof Values;
const FIELDS: Field[] = ["name", "description", "member_ids"];

/** The form field a refusal belongs to, with its message; null: it belongs to the form. */
function fieldOf(error: unknown): { field: Field; message: string } | null {
  const problem = error as (Problem & { errors?: { loc?: unknown[]; msg?: string }[] }) | null;
  if (problem?.code === "team_name_taken" && problem.detail) {
    return { field: "name", message: problem.detail };
  }
  const [first] = problem?.errors ?? [];
  const field = first?.loc?.[1];
  if (first && typeof field === "string" && (FIELDS as string[]).includes(field)) {
    return { field: field as Field, message: (first.msg ?? "").replace(/^Value error, /, "") };
  }
  return null;
}

function useTeamSave(
  team: Team | null,
  handlers: { onSaved: () => void; onFieldError: (field: Field, message: string) => void },
) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: async (body: { name: string; description: string | null; member_ids: string[] }) => {
      const { data, error } = team
        ? await api.PATCH("/api/v1/teams/{team_id}", {
            params: { path: { team_id: team.id } },
            body,
          })
        : await api.POST("/api/v1/teams", { body });
      if (error || !data) throw error ?? new Error("no answer");
      return data;
    },
    onSuccess: (saved) => {
      if (team) {
        queryClient.setQueryData<Pages<Team>>(teamKeys.teams, (pages) =>
          mapPages(pages, (item) => (item.id === saved.id ? saved : item)),
        );
      }
      // A new or renamed team takes its place in the name order: the server knows it.
      void queryClient.invalidateQueries({ queryKey: teamKeys.teams });
      handlers.onSaved();
      notifications.show({
        color: "brand",
        message: t(team ? "team.teams.saved" : "team.teams.created", { name: saved.name }),
      });
    },
    onError: (error) => {
      const onField = fieldOf(error);
      if (onField) handlers.onFieldError(onField.field, onField.message);
    },
  });
  return { ...mutation, fieldError: mutation.isError && fieldOf(mutation.error) !== null };
}
