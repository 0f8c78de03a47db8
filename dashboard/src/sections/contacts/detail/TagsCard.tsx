// The contact's tags: remove one with its ×, add one (or several) from the tenant's tags.
import { Badge, Button, CloseButton, Group, MultiSelect, Stack, Text, Title, Card } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type Tag, addContactTags, removeContactTag, problemText } from "../crm";
import { contactKeys, useTags } from "../queries";

export function TagsCard({ contactId, tags }: { contactId: string; tags: Tag[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const all = useTags();
  const [adding, setAdding] = useState<string[]>([]);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: contactKeys.detail(contactId) });
    void queryClient.invalidateQueries({ queryKey: ["contacts", "list"] });
  };
  const failed = (error: unknown) =>
    notifications.show({
      color: "red",
      title: t("contacts.tags.failed"),
      message: problemText(error, t("contacts.tags.failed")),
    });
  const add = useMutation({
    mutationFn: (ids: string[]) => addContactTags(contactId, ids),
    onSuccess: () => {
      setAdding([]);
      refresh();
    },
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: (tagId: string) => removeContactTag(contactId, tagId),
    onSuccess: refresh,
    onError: failed,
  });
  const held = new Set(tags.map((tag) => tag.id));
  const choices = (all.data ?? []).filter((tag) => !held.has(tag.id));
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t("contacts.tags.title")}
        </Title>
        {tags.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("contacts.tags.none")}
          </Text>
        ) : (
          <Group gap={6} component="ul" p={0} m={0} style={{ listStyle: "none" }} aria-label={t("contacts.tags.title")}>
            {tags.map((tag) => (
              <li key={tag.id}>
                <Badge
                  variant="light"
                  color={tag.color || undefined}
                  rightSection={
                    <CloseButton
                      size="xs"
                      aria-label={t("contacts.tags.remove", { name: tag.name })}
                      onClick={() => remove.mutate(tag.id)}
                    />
                  }
                >
                  {tag.name}
                </Badge>
              </li>
            ))}
          </Group>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (adding.length) add.mutate(adding);
          }}
        >
          <Group gap="xs" align="flex-end">
            <MultiSelect
              style={{ flex: 1 }}
              label={t("contacts.tags.add")}
              placeholder={choices.length ? t("contacts.tags.pick") : t("contacts.tags.noMore")}
              data={choices.map((tag) => ({ value: tag.id, label: tag.name }))}
              value={adding}
              onChange={setAdding}
              searchable
            />
            <Button type="submit" disabled={!adding.length} loading={add.isPending}>
              {t("contacts.tags.addButton")}
            </Button>
          </Group>
        </form>
      </Stack>
    </Card>
  );
}
