// A WhatsApp template's buttons: quick replies, a link (its URL may end in one variable) or
// a phone number, up to ten.
import { ActionIcon, Button, Group, Paper, Select, Stack, Text, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { BUTTONS_MAX, BUTTON_TEXT_MAX, BUTTON_TYPES, type TemplateValues, emptyButton } from "./template";

export function TemplateButtons({ form }: { form: UseFormReturnType<TemplateValues> }) {
  const { t } = useTranslation();
  const { buttons } = form.values;
  return (
    <Stack gap="xs" component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
      <Text component="legend" size="sm" fw={500}>
        {t("templates.editor.buttons")}
      </Text>
      <Text size="xs" c="dimmed">
        {t("templates.editor.buttonsHint")}
      </Text>
      {buttons.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("templates.editor.noButtons")}
        </Text>
      )}
      {buttons.map((button, index) => {
        const n = index + 1;
        return (
          <Paper key={index} withBorder p="xs">
            <Group align="flex-start" wrap="wrap" gap="xs">
              <Select
                w={160}
                label={t("templates.editor.buttonType", { n })}
                allowDeselect={false}
                data={BUTTON_TYPES.map((type) => ({ value: type, label: t(`templates.editor.buttonTypes.${type}`) }))}
                {...form.getInputProps(`buttons.${index}.type`)}
              />
              <TextInput
                w={200}
                label={t("templates.editor.buttonText", { n })}
                maxLength={BUTTON_TEXT_MAX}
                {...form.getInputProps(`buttons.${index}.text`)}
              />
              {button.type === "url" && (
                <TextInput
                  style={{ flex: 1, minWidth: 220 }}
                  label={t("templates.editor.buttonUrl", { n })}
                  placeholder="https://example.com/pedidos/{{fields.pedido}}"
                  {...form.getInputProps(`buttons.${index}.url`)}
                />
              )}
              {button.type === "phone" && (
                <TextInput
                  w={200}
                  label={t("templates.editor.buttonPhone", { n })}
                  placeholder="+5511988880000"
                  {...form.getInputProps(`buttons.${index}.phone`)}
                />
              )}
              <ActionIcon
                mt={26}
                variant="subtle"
                color="red"
                aria-label={t("templates.editor.removeButton", { n })}
                onClick={() => form.removeListItem("buttons", index)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          </Paper>
        );
      })}
      {buttons.length < BUTTONS_MAX && (
        <Button
          variant="light"
          size="xs"
          w="fit-content"
          leftSection={<IconPlus size={14} />}
          onClick={() => form.insertListItem("buttons", emptyButton())}
        >
          {t("templates.editor.addButton")}
        </Button>
      )}
    </Stack>
  );
}
