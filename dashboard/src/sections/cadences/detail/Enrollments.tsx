// The people in a cadence: filtered by state or step and searched by name or number, a page
// at a time (the server's cursors), with the step each is at, when it moves on next, why it
// ended, and a Stop for those still walking it.
import { Alert, Anchor, Button, Group, Select, Skeleton, Stack, Table, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconChevronLeft, IconChevronRight, IconSearch } from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import {
  type Cadence,
  ENROLLMENT_STATES,
  type Enrollment,
  type EnrollmentState,
  listEnrollments,
  stopEnrollment,
} from "../../../api/cadencesApi";
import { type ApiError, problemMessage } from "../../../api/client";
import { atLeast, useAccess } from "../../team/roles";
import { PAGE_SIZE, cadenceKeys } from "../queries";
import { EnrollmentHistory } from "./EnrollmentHistory";

interface EnrollmentsProps {
  cadence: Cadence;
  step: number | null;
  onStepChange: (step: number | null) => void;
}

export function Enrollments({ cadence, step, onStepChange }: EnrollmentsProps) {
  const { t } = useTranslation();
  const [state, setState] = useState<EnrollmentState | null>(null);
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 300);
  // A new filter starts again at the first page.
  const scope = `${state ?? ""}\u0000${step ?? ""}\u0000${q}`;
  const [pages, setPages] = useState<{ scope: string; cursors: (string | null)[] }>({ scope, cursors: [null] });
  const cursors = pages.scope === scope ? pages.cursors : [null];
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = useQuery({
    queryKey: cadenceKeys.enrollments(cadence.id, state, step, q, cursor),
    queryFn: () => listEnrollments(cadence.id, { cursor, limit: PAGE_SIZE, state, step, q }),
    placeholderData: keepPreviousData,
  });
  const items = query.data?.items ?? [];
  const nextCursor = query.data?.next_cursor ?? null;
  return (
    <Stack gap="sm" component="section" aria-labelledby="cadence-enrollments">
      <Title order={3} id="cadence-enrollments">
        {t("cadences.enrollments.title")}
      </Title>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t("cadences.enrollments.state")}
          placeholder={t("cadences.enrollments.anyState")}
          data={ENROLLMENT_STATES.map((value) => ({ value, label: t(`cadences.state.${value}`) }))}
          value={state}
          onChange={(value) => setState(value as EnrollmentState | null)}
          clearable
          clearButtonProps={{ "aria-label": t("cadences.enrollments.clearState") }}
          w={200}
        />
        <Select
          label={t("cadences.enrollments.step")}
          placeholder={t("cadences.enrollments.anyStep")}
          data={cadence.steps.map((stored, index) => ({
            value: String(index),
            label: t("cadences.enrollments.atStep", {
              number: index + 1,
              kind: t(`cadences.builder.kind.${String(stored.type)}`),
            }),
          }))}
          value={step === null ? null : String(step)}
          onChange={(value) => onStepChange(value === null ? null : Number(value))}
          clearable
          clearButtonProps={{ "aria-label": t("cadences.enrollments.clearStep") }}
          w={240}
        />
        <TextInput
          label={t("cadences.enrollments.search")}
          placeholder={t("cadences.enrollments.searchHint")}
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={260}
        />
      </Group>
      {query.isError ? (
        <Alert color="red" title={t("cadences.enrollments.loadFailed")}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{problemMessage((query.error as ApiError).problem, "")}</Text>
            <Button size="xs" variant="light" onClick={() => void query.refetch()}>
              {t("cadences.retry")}
            </Button>
          </Stack>
        </Alert>
      ) : query.isPending ? (
        <Skeleton height={80} role="status" aria-label={t("app.loading")} />
      ) : items.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t("cadences.enrollments.empty")}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label={t("cadences.enrollments.label")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("cadences.enrollments.person")}</Table.Th>
                <Table.Th>{t("cadences.enrollments.state")}</Table.Th>
                <Table.Th>{t("cadences.enrollments.at")}</Table.Th>
                <Table.Th>{t("cadences.enrollments.next")}</Table.Th>
                <Table.Th>{t("cadences.enrollments.reason")}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t("cadences.enrollments.actions")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((enrollment) => (
                <EnrollmentRow key={enrollment.id} cadence={cadence} enrollment={enrollment} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="flex-end" gap="xs">
        <Button
          variant="default"
          size="xs"
          leftSection={<IconChevronLeft size={14} />}
          disabled={cursors.length === 1}
          onClick={() => setPages({ scope, cursors: cursors.slice(0, -1) })}
        >
          {t("cadences.previous")}
        </Button>
        <Button
          variant="default"
          size="xs"
          rightSection={<IconChevronRight size={14} />}
          disabled={!nextCursor}
          onClick={() => nextCursor && setPages({ scope, cursors: [...cursors, nextCursor] })}
        >
          {t("cadences.next")}
        </Button>
      </Group>
    </Stack>
  );
}

function EnrollmentRow({ cadence, enrollment }: { cadence: Cadence; enrollment: Enrollment }) {
  const { t, i18n } = useTranslation();
  const { role } = useAccess();
  const queryClient = useQueryClient();
  const name = enrollment.name || enrollment.address || enrollment.contact_id;
  const stop = useMutation({
    mutationFn: () => stopEnrollment(cadence.id, enrollment.id),
    onSuccess: () => {
      notifications.show({ color: "brand", closeButtonProps: { "aria-label": t("cadences.detail.close") }, message: t("cadences.enrollments.stopped", { name }) });
      void queryClient.invalidateQueries({ queryKey: ["cadences", "enrollments", cadence.id] });
      void queryClient.invalidateQueries({ queryKey: cadenceKeys.detail(cadence.id) });
    },
    onError: (error) =>
      notifications.show({
        color: "red",
        closeButtonProps: { "aria-label": t("cadences.detail.close") },
        title: t("cadences.enrollments.stopFailed"),
        message: problemMessage((error as ApiError).problem, t("cadences.enrollments.stopFailed")),
      }),
  });
  const walking = enrollment.state === "active";
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/contacts/${enrollment.contact_id}`}>
          {name}
        </Anchor>
        {enrollment.name && enrollment.address && (
          <Text size="xs" c="dimmed">
            {enrollment.address}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{t(`cadences.state.${enrollment.state}`)}</Table.Td>
      <Table.Td>
        {enrollment.step_type
          ? t("cadences.enrollments.atStep", {
              number: enrollment.step_index + 1,
              kind: t(`cadences.builder.kind.${enrollment.step_type}`, { defaultValue: enrollment.step_type }),
            })
          : t("cadences.enrollments.finished")}
      </Table.Td>
      <Table.Td>{enrollment.due_at ? new Date(enrollment.due_at).toLocaleString(i18n.language) : ""}</Table.Td>
      <Table.Td>
        {[enrollment.reason && t(`cadences.reasons.${enrollment.reason}`, { defaultValue: enrollment.reason }), enrollment.detail]
          .filter(Boolean)
          .join(" — ")}
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <EnrollmentHistory cadence={cadence} enrollment={enrollment} name={name} />
          {walking && atLeast(role, "manager") && (
            <Button
              size="compact-sm"
              variant="subtle"
              color="red.9"
              aria-label={t("cadences.enrollments.stopLabel", { name })}
              loading={stop.isPending}
              onClick={() => stop.mutate()}
            >
              {t("cadences.enrollments.stop")}
            </Button>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
