// The members of a team, ticked in a list of the company's users (disabled ones marked);
// past a handful of people a search box narrows the list.
import { Alert, Checkbox, ScrollArea, Skeleton, Stack, Text, TextInput } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import type { UseQueryResult } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { describeProblem } from "./problem";
import type { User } from "./queries";
import { displayName } from "./UsersTable";

/** Past this many people, a search box narrows the list. */
const FILTER_FROM = 8;

interface MemberPickerProps {
  people: UseQueryResult<User[]>;
  value: string[];
  onChange: (value: string[]) => void;
  error?: ReactNode;
}

export function MemberPicker({ people, value, onChange, error }: MemberPickerProps) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState("");
  if (people.isPending) return <Skeleton height={120} aria-busy="true" />;
  if (people.isError) {
    return <Alert color="red">{describeProblem(people.error, t("team.teams.usersFailed"))}</Alert>;
  }
  const needle = filter.trim().toLowerCase();
  const shown = people.data.filter(
    (user) =>
      !needle ||
      user.name.toLowerCase().includes(needle) ||
      user.email.toLowerCase().includes(needle),
  );
  return (
    <Checkbox.Group
      label={t("team.teams.members")}
      description={t("team.teams.chosen", { count: value.length })}
      value={value}
      onChange={onChange}
      error={error}
    >
      <Stack gap="xs" mt="xs">
        {people.data.length > FILTER_FROM && (
          <TextInput
            aria-label={t("team.teams.filterMembers")}
            placeholder={t("team.teams.filterMembers")}
            leftSection={<IconSearch size={14} />}
            size="xs"
            value={filter}
            onChange={(event) => setFilter(event.currentTarget.value)}
          />
        )}
        <ScrollArea.Autosize mah={260} type="auto">
          <Stack gap={6}>
            {shown.map((user) => (
              <Checkbox
                key={user.id}
                value={user.id}
                label={
                  user.disabled
                    ? t("team.teams.disabledMember", { name: displayName(user) })
                    : displayName(user)
                }
                description={user.name ? user.email : undefined}
              />
            ))}
            {shown.length === 0 && (
              <Text size="sm" c="dimmed">
                {t("team.teams.noPeople")}
              </Text>
            )}
          </Stack>
        </ScrollArea.Autosize>
      </Stack>
    </Checkbox.Group>
  );
}
