// Extractive mode's lead rules: each a stage of the crm's pipelines and the customer's words
// that put the lead there. Order matters (when several match, the last rule wins, as boards
// run left to right), so rules stay in the order they were added.
import { ActionIcon, Button, Group, Input, Paper, Select, SimpleGrid, Stack, TagsInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { KEYWORDS_MAX, KEYWORD_LENGTH, type PersonaValues, STAGE_RULES_MAX } from "./form";

/** The stages a rule can name, grouped by pipeline (Mantine's grouped data). */
export type StageOptions = { group: string; items: { value: string; label: string }[] }[];

export function StageRulesField({
  form,
  stages,
  stagesFailed,
  readOnly,
}: {
  form: UseFormReturnType<PersonaValues>;
  stages: StageOptions;
  stagesFailed: boolean;
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const rules = form.getValues().stage_rules;
  const known = new Set(stages.flatMap((group) => group.items.map((item) => item.value)));
  return (
    <Input.Wrapper
      label={t("ai.editor.stageRules")}
      description={t(stagesFailed ? "ai.editor.stagesFailed" : stages.length ? "ai.editor.stageRulesHint" : "ai.editor.noStages")}
      error={form.errors.stage_rules}
      id="persona-stage_rules"
    >
      <Stack gap={6} mt={6}>
        {rules.map((rule, index) => {
          const number = index + 1;
          // A stage deleted on the board since: shown as such rather than as an empty choice.
          const data =
            rule.stage_id && stages.length && !known.has(rule.stage_id)
              ? [...stages, { group: "—", items: [{ value: rule.stage_id, label: t("ai.editor.stageGone") }] }]
              : stages;
          return (
            <Paper key={form.key(`stage_rules.${index}`)} withBorder p="xs">
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <SimpleGrid cols={{ base: 1, sm: 2 }} style={{ flex: 1 }}>
                  <Select
                    label={t("ai.editor.ruleStage", { index: number })}
                    placeholder={t("ai.editor.chooseStage")}
                    data={data}
                    searchable
                    allowDeselect={false}
                    readOnly={readOnly}
                    {...form.getInputProps(`stage_rules.${index}.stage_id`)}
                    key={form.key(`stage_rules.${index}.stage_id`)}
                  />
                  <TagsInput
                    label={t("ai.editor.ruleKeywords", { index: number })}
                    description={t("ai.editor.ruleKeywordsHint")}
                    maxTags={KEYWORDS_MAX}
                    maxLength={KEYWORD_LENGTH.max}
                    splitChars={[","]}
                    acceptValueOnBlur
                    readOnly={readOnly}
                    {...form.getInputProps(`stage_rules.${index}.keywords`)}
                    key={form.key(`stage_rules.${index}.keywords`)}
                  />
                </SimpleGrid>
                {!readOnly && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    mt={24}
                    aria-label={t("ai.editor.removeRule", { index: number })}
                    onClick={() => form.removeListItem("stage_rules", index)}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                )}
              </Group>
            </Paper>
          );
        })}
        {!readOnly && rules.length < STAGE_RULES_MAX && (
          <Group>
            <Button
              variant="subtle"
              size="xs"
              leftSection={<IconPlus size={14} />}
              onClick={() => form.insertListItem("stage_rules", { stage_id: null, keywords: [] })}
            >
              {t("ai.editor.addRule")}
            </Button>
          </Group>
        )}
      </Stack>
    </Input.Wrapper>
  );
}
