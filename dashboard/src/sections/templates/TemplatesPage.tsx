// The template library: every template by name (searchable), its channel, language,
// category and status at Meta (with Meta's reason when it rejected one); the way to a new
// one, to edit one, and to delete one.
import { ActionIcon, Alert, Anchor, Button, Center, Group, Loader, Stack, Table, Text, TextInput, ThemeIcon, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconPlus, IconSearch, IconTemplate, IconTrash } from "@tabler/icons-react";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type Template, listTemplates } from "../../api/campaignsApi";
import { problemMessage } from "../../api/client";
import { atLeast, useAccess } from "../team/roles";
import { DeleteTemplateDialog } from "./DeleteTemplateDialog";
import { SyncFromMetaButton } from "./MetaActions";
import { MetaStatus } from "./MetaStatus";
import { PAGE_SIZE, templateLibraryKeys, useDeleteTemplate } from "./queries";

export default function TemplatesPage() {
  const { t } = useTranslation();
  const { role } = useAccess();
  const canManage = atLeast(role, "manager");
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 250);
  const [deleting, setDeleting] = useState<Template | null>(null);
  const query = useInfiniteQuery({
    queryKey: templateLibraryKeys.list(q),
    queryFn: ({ pageParam }) => listTemplates({ cursor: pageParam, limit: PAGE_SIZE, q }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    placeholderData: keepPreviousData,
  });
  const remove = useDeleteTemplate(() => {
    setDeleting(null);
    notifications.show({ color: "green", message: t("templates.deleted") });
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];

  const header = (
    <Group justify="space-between" align="flex-end" wrap="wrap">
      <div>
        <Title order={2}>{t("templates.title")}</Title>
        <Text c="dimmed">{t("templates.intro")}</Text>
      </div>
      {canManage && (
        <Group gap="sm">
          <SyncFromMetaButton />
          <Button component={Link} to="/templates/new" leftSection={<IconPlus size={16} />}>
            {t("templates.new")}
          </Button>
        </Group>
      )}
    </Group>
  );

  if (query.isSuccess && items.length === 0 && !q) {
    return (
      <Stack gap="md">
        {header}
        <Center mih="40vh">
          <Stack align="center" maw={420} ta="center" gap="sm">
            <ThemeIcon size={56} radius="xl" variant="light">
              <IconTemplate size={30} stroke={1.5} />
            </ThemeIcon>
            <Title order={3}>{t("templates.empty.title")}</Title>
            <Text c="dimmed">{t("templates.empty.body", { example: "{{first_name|cliente}}" })}</Text>
          </Stack>
        </Center>
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      {header}
      <TextInput
        label={t("templates.search")}
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maw={360}
      />
      {query.isPending ? (
        <Group gap="xs">
          <Loader size="sm" aria-hidden />
          <Text size="sm">{t("templates.loading")}</Text>
        </Group>
      ) : query.isError ? (
        <Alert color="red" title={t("templates.loadFailed")}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{problemMessage((query.error as { problem?: unknown }).problem, "")}</Text>
            <Button size="xs" variant="light" onClick={() => void query.refetch()}>
              {t("templates.retry")}
            </Button>
          </Stack>
        </Alert>
      ) : items.length === 0 ? (
        <Text c="dimmed">{t("templates.noMatch", { q })}</Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label={t("templates.table.label")} verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("templates.table.name")}</Table.Th>
                <Table.Th>{t("templates.table.channel")}</Table.Th>
                <Table.Th>{t("templates.table.language")}</Table.Th>
                <Table.Th>{t("templates.table.category")}</Table.Th>
                <Table.Th>{t("templates.table.meta")}</Table.Th>
                {canManage && <Table.Th>{t("templates.table.actions")}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((template) => (
                <Table.Tr key={template.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/templates/${template.id}`}>
                      {template.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t(`templates.channel.${template.channel}`, { defaultValue: template.channel })}</Table.Td>
                  <Table.Td>{template.language}</Table.Td>
                  <Table.Td>{t(`templates.category.${template.category}`, { defaultValue: template.category })}</Table.Td>
                  <Table.Td>
                    <MetaStatus template={template} />
                  </Table.Td>
                  {canManage && (
                    <Table.Td>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t("templates.delete", { name: template.name })}
                        onClick={() => {
                          remove.reset();
                          setDeleting(template);
                        }}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {query.hasNextPage && (
        <Button variant="subtle" w="fit-content" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          {t("templates.more")}
        </Button>
      )}
      <DeleteTemplateDialog
        template={deleting}
        deleting={remove.isPending}
        error={remove.error}
        onConfirm={(templateId) => remove.mutate(templateId)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
