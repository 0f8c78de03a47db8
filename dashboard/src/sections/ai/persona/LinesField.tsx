// An editable list of short lines (guidelines, refused topics, never-promise): one input per
// line, a way to add one and to remove each.
import { ActionIcon, Button, Group, Input, Stack, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { ListField, PersonaValues } from "./form";

export function LinesField({
  form,
  field,
  label,
  description,
  readOnly,
}: {
  form: UseFormReturnType<PersonaValues>;
  field: ListField;
  label: string;
  description: string;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const lines = form.getValues()[field];
  return (
    <Input.Wrapper label={label} description={description} id={`persona-${field}`}>
      <Stack gap={6} mt={6}>
        {lines.map((_, index) => (
          <Group key={form.key(`${field}.${index}`)} gap="xs" wrap="nowrap" align="flex-start">
            <TextInput
              style={{ flex: 1 }}
              aria-label={t("ai.editor.lineLabel", { list: label, index: index + 1 })}
              readOnly={readOnly}
              {...form.getInputProps(`${field}.${index}`)}
              key={form.key(`${field}.${index}`)}
            />
            {!readOnly && (
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={t("ai.editor.removeLine", { list: label, index: index + 1 })}
                onClick={() => form.removeListItem(field, index)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            )}
          </Group>
        ))}
        {!readOnly && (
          <Group>
            <Button
              variant="subtle"
              size="xs"
              leftSection={<IconPlus size={14} />}
              onClick={() => form.insertListItem(field, "")}
              aria-label={`${t("ai.editor.addLine")}: ${label}`}
            >
              {t("ai.editor.addLine")}
            </Button>
          </Group>
        )}
      </Stack>
    </Input.Wrapper>
  );
}
