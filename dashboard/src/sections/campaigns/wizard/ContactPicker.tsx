// A searchable list of the company's contacts to tick, for a campaign sent to a selection
// rather than a saved segment. The ticked ids live in the wizard's values, so they survive
// a search and a step back.
import { Alert, Button, Checkbox, Group, Loader, Paper, ScrollArea, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type Contact, listContacts } from "../../../api/contacts";
import { wizardKeys } from "../queries";

const PAGE = 25;

interface ContactPickerProps {
  picked: string[];
  onChange: (ids: string[], first: Contact | null) => void;
  error?: string;
}

export function ContactPicker({ picked, onChange, error }: ContactPickerProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 250);
  const contacts = useInfiniteQuery({
    queryKey: wizardKeys.contacts(q),
    queryFn: ({ pageParam }) => listContacts({ q, cursor: pageParam, limit: PAGE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const rows = contacts.data?.pages.flatMap((page) => page.items) ?? [];
  const chosen = new Set(picked);

  const toggle = (contact: Contact) => {
    const next = chosen.has(contact.id) ? picked.filter((id) => id !== contact.id) : [...picked, contact.id];
    onChange(next, next.length ? (rows.find((row) => row.id === next[0]) ?? null) : null);
  };

  return (
    <Stack gap="xs">
      <TextInput
        label={t("campaigns.wizard.audience.search")}
        description={t("campaigns.wizard.audience.searchHint")}
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
      />
      <Group justify="space-between">
        <Text size="sm" aria-live="polite">
          {t("campaigns.wizard.audience.picked", { count: picked.length })}
        </Text>
        {picked.length > 0 && (
          <Button size="compact-sm" variant="subtle" onClick={() => onChange([], null)}>
            {t("campaigns.wizard.audience.clear")}
          </Button>
        )}
      </Group>
      {error && (
        <Text size="sm" c="red.8" role="alert">
          {error}
        </Text>
      )}
      <Paper withBorder p="xs" component="section" aria-label={t("campaigns.wizard.audience.list")}>
        {contacts.isPending ? (
          <Loader size="sm" aria-label={t("campaigns.wizard.audience.list")} />
        ) : contacts.isError ? (
          <Alert color="red" title={t("campaigns.wizard.audience.loadFailed")}>
            <Button size="xs" variant="light" onClick={() => void contacts.refetch()}>
              {t("campaigns.wizard.audience.retry")}
            </Button>
          </Alert>
        ) : rows.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("campaigns.wizard.audience.noContacts")}
          </Text>
        ) : (
          <ScrollArea.Autosize mah={320} type="auto">
            <Stack gap={6}>
              {rows.map((contact) => {
                const name = contact.name || t("campaigns.wizard.audience.unnamed");
                return (
                  <Checkbox
                    key={contact.id}
                    checked={chosen.has(contact.id)}
                    onChange={() => toggle(contact)}
                    label={
                      <Text size="sm" component="span">
                        {name}
                        {contact.phone && (
                          <Text span c="dimmed" size="sm">
                            {" · "}
                            {contact.phone}
                          </Text>
                        )}
                      </Text>
                    }
                  />
                );
              })}
              {contacts.hasNextPage && (
                <Button
                  size="xs"
                  variant="subtle"
                  loading={contacts.isFetchingNextPage}
                  onClick={() => void contacts.fetchNextPage()}
                >
                  {t("campaigns.wizard.audience.more")}
                </Button>
              )}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Paper>
    </Stack>
  );
}
