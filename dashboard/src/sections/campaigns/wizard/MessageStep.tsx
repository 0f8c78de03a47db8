// Step 2: what recipients read: one text, one Meta template, or an A/B test of 2 to 5
// messages with their shares (adding up to 100 %), each previewed with a contact's values.
import { ActionIcon, Button, Divider, Group, NumberInput, Paper, Radio, SegmentedControl, Stack, Text, TextInput, Title } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { type MessageKind, type MessageType, VARIANTS_MAX, VARIANTS_MIN, type WizardValues, emptyMessage, percentSum } from "./draft";
import { MessageEditor } from "./MessageEditor";
import type { SampleContact } from "./sample";

interface MessageStepProps {
  form: UseFormReturnType<WizardValues>;
  /** SMS sends text only: no template to choose. */
  sms: boolean;
  sample: SampleContact;
}

const LABELS = "ABCDE";

export function MessageStep({ form, sms, sample }: MessageStepProps) {
  const { t } = useTranslation();
  const { messageKind, accountId, variants } = form.values;

  const addVariant = () => {
    const used = new Set(variants.map((variant) => variant.label));
    const label = [...LABELS].find((letter) => !used.has(letter)) ?? String(variants.length + 1);
    form.insertListItem("variants", { label, percent: Math.max(1, 100 - percentSum(variants)), message: emptyMessage() });
  };

  return (
    <Stack gap="md">
      <Radio.Group
        label={t("campaigns.wizard.message.kind")}
        value={messageKind}
        onChange={(value) => form.setFieldValue("messageKind", value as MessageKind)}
        description={sms ? t("campaigns.wizard.message.smsTextOnly") : t("campaigns.wizard.message.textHint")}
      >
        <Group mt={4}>
          <Radio value="text" label={t("campaigns.wizard.message.text")} />
          {!sms && <Radio value="template" label={t("campaigns.wizard.message.template")} />}
          <Radio value="library" label={t("campaigns.wizard.message.library")} />
          <Radio value="variants" label={t("campaigns.wizard.message.variants")} />
        </Group>
      </Radio.Group>

      {messageKind !== "variants" ? (
        <MessageEditor
          form={form}
          path="message"
          message={{ ...form.values.message, type: messageKind }}
          accountId={accountId}
          sms={sms}
          sample={sample}
        />
      ) : (
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t("campaigns.wizard.message.variantsHint")}
          </Text>
          {form.errors.variants && (
            <Text size="sm" c="red.8" role="alert">
              {form.errors.variants}
            </Text>
          )}
          {variants.map((variant, index) => {
            const suffix = ` (${variant.label || index + 1})`;
            return (
              <Paper key={index} withBorder p="md" component="section" aria-labelledby={`variant-${index}`}>
                <Group justify="space-between" mb="sm">
                  <Title order={3} size="h5" id={`variant-${index}`}>
                    {t("campaigns.wizard.message.variant", { label: variant.label || index + 1 })}
                  </Title>
                  {variants.length > VARIANTS_MIN && (
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t("campaigns.wizard.message.removeVariant", { label: variant.label || index + 1 })}
                      onClick={() => form.removeListItem("variants", index)}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  )}
                </Group>
                <Group align="flex-start" grow mb="sm">
                  <TextInput
                    label={t("campaigns.wizard.message.variantLabel") + suffix}
                    withAsterisk
                    maxLength={40}
                    {...form.getInputProps(`variants.${index}.label`)}
                  />
                  <NumberInput
                    label={t("campaigns.wizard.message.percent") + suffix}
                    withAsterisk
                    min={1}
                    max={99}
                    allowDecimal={false}
                    {...form.getInputProps(`variants.${index}.percent`)}
                  />
                  <Stack gap={4}>
                    <Text size="sm" fw={500} id={`variant-${index}-type`}>
                      {t("campaigns.wizard.message.kind") + suffix}
                    </Text>
                    <SegmentedControl
                      aria-labelledby={`variant-${index}-type`}
                      value={variant.message.type}
                      onChange={(value) => form.setFieldValue(`variants.${index}.message.type`, value as MessageType)}
                      data={[
                        { value: "text", label: t("campaigns.wizard.message.text") },
                        ...(sms ? [] : [{ value: "template", label: t("campaigns.wizard.message.template") }]),
                        { value: "library", label: t("campaigns.wizard.message.library") },
                      ]}
                    />
                  </Stack>
                </Group>
                <Divider mb="sm" />
                <MessageEditor
                  form={form}
                  path={`variants.${index}.message`}
                  message={variant.message}
                  accountId={accountId}
                  sms={sms}
                  sample={sample}
                  labelSuffix={suffix}
                />
              </Paper>
            );
          })}
          {variants.length < VARIANTS_MAX && (
            <Button variant="light" leftSection={<IconPlus size={16} />} onClick={addVariant} w="fit-content">
              {t("campaigns.wizard.message.addVariant")}
            </Button>
          )}
        </Stack>
      )}
    </Stack>
  );
}
