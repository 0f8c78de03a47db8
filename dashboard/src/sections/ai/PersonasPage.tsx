// The personas: search by name, a page at a time, each with where it answers and what it
// knows; the way to a new one.
import { Anchor, Badge, Button, Group, Stack, Table, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconMessageChatbot, IconPlus, IconSearch } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { listPersonas } from "../../api/aiApi";
import { atLeast, useAccess } from "../team/roles";
import { AiNav } from "./AiNav";
import { LoadFailed, Loading } from "./LoadState";
import { Pager, useCursors } from "./Pager";
import { PAGE_SIZE, aiKeys } from "./queries";
import { SectionEmpty } from "./SectionEmpty";

export default function PersonasPage() {
  const { t } = useTranslation();
  const { role } = useAccess();
  const canEdit = atLeast(role, "manager");
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  const cursors = useCursors();
  const query = useQuery({
    queryKey: aiKeys.personas(q, cursors.cursor),
    queryFn: () => listPersonas({ cursor: cursors.cursor, limit: PAGE_SIZE, q }),
    placeholderData: keepPreviousData,
  });
  const items = query.data?.items ?? [];
  const newButton = canEdit && (
    <Button component={Link} to="/ai/personas/new" leftSection={<IconPlus size={16} />}>
      {t("ai.personas.new")}
    </Button>
  );

  const firstEver = query.isSuccess && items.length === 0 && !q && cursors.page === 1;
  return (
    <Stack gap="md">
      <AiNav />
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("ai.personas.title")}</Title>
        {!firstEver && newButton}
      </Group>
      {firstEver ? (
        <SectionEmpty
          icon={IconMessageChatbot}
          title={t("ai.personas.emptyTitle")}
          body={t("ai.personas.emptyBody")}
          action={newButton}
        />
      ) : (
        <>
          <TextInput
            label={t("ai.personas.search")}
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              cursors.reset();
            }}
            maw={320}
          />
          {query.isError ? (
            <LoadFailed title={t("ai.personas.loadFailed")} error={query.error} retry={() => void query.refetch()} />
          ) : query.isPending ? (
            <Loading label={t("ai.personas.loading")} />
          ) : items.length === 0 ? (
            <Text c="dimmed">{t("ai.personas.noMatch")}</Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table aria-label={t("ai.personas.table.label")} highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("ai.personas.table.name")}</Table.Th>
                    <Table.Th>{t("ai.personas.table.status")}</Table.Th>
                    <Table.Th>{t("ai.personas.table.numbers")}</Table.Th>
                    <Table.Th>{t("ai.personas.table.knowledge")}</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>{t("ai.personas.table.console")}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((persona) => (
                    <Table.Tr key={persona.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/ai/personas/${persona.id}`}>
                          {persona.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={persona.enabled ? "brand" : "gray"}>
                          {t(persona.enabled ? "ai.personas.enabled" : "ai.personas.disabled")}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{t("ai.personas.numbers", { count: persona.channel_account_ids?.length ?? 0 })}</Table.Td>
                      <Table.Td>{t("ai.personas.bases", { count: persona.knowledge_base_ids?.length ?? 0 })}</Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/ai/console?persona=${persona.id}`} size="sm">
                          {t("ai.personas.tryIt")}
                        </Anchor>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Pager cursors={cursors} nextCursor={query.data?.next_cursor ?? null} />
        </>
      )}
    </Stack>
  );
}
