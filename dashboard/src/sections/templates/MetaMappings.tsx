// A template imported from Meta keeps Meta's texts with their {{1}}, {{2}}…; here a person
// says which of our variables fills each one, part by part, before campaigns can send it.
import { Fieldset, Stack, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { useTranslation } from "react-i18next";
import { type TemplateValues, metaPlaceholders } from "./template";

export function MetaMappings({ form }: { form: UseFormReturnType<TemplateValues> }) {
  const { t } = useTranslation();
  const placeholders = metaPlaceholders(form.values);
  if (placeholders.length === 0) return null;
  return (
    <Fieldset legend={t("templates.metaActions.mappings")}>
      <Stack gap="xs">
        {placeholders.map(({ part, placeholder }) => (
          <TextInput
            key={`${part}-${placeholder}`}
            label={t("templates.metaActions.mappingLabel", {
              part: t(`templates.metaActions.parts.${part}`),
              placeholder: `{{${placeholder}}}`,
            })}
            description={t("templates.metaActions.mappingHint")}
            placeholder="first_name|cliente"
            value={form.values.mappings[part]?.[placeholder] ?? ""}
            onChange={(event) => {
              const value = event.currentTarget.value;
              form.setFieldValue("mappings", {
                ...form.values.mappings,
                [part]: { ...form.values.mappings[part], [placeholder]: value },
              });
            }}
          />
        ))}
      </Stack>
    </Fieldset>
  );
}
