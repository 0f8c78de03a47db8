// Enrolling people by hand: contacts ticked in a searchable list, or a saved segment's
// members, optionally starting again those whose walk ended; then what happened (enrolled,
// started again, enrolled before, left out and why).
import { Alert, Button, Checkbox, Group, Loader, Modal, Paper, Radio, ScrollArea, Select, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type Cadence, type EnrollRequest, type EnrollResult, enroll } from "../../../api/cadencesApi";
import { type ApiError, problemMessage } from "../../../api/client";
import { listContacts } from "../../../api/contacts";
import { useSegments } from "../../contacts/queries";
import { cadenceKeys } from "../queries";

const PAGE = 25;

interface EnrollDialogProps {
  cadence: Cadence;
  opened: boolean;
  onClose: () => void;
}

export function EnrollDialog({ cadence, opened, onClose }: EnrollDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t("cadences.enroll.title")}
      closeButtonProps={{ "aria-label": t("cadences.detail.close") }}
      size="lg"
      centered
    >
      {/* Mounted only while open: each opening starts with nothing picked. */}
      {opened && <EnrollForm cadence={cadence} onClose={onClose} />}
    </Modal>
  );
}

function EnrollForm({ cadence, onClose }: { cadence: Cadence; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [by, setBy] = useState<"contacts" | "segment">("contacts");
  const [picked, setPicked] = useState<string[]>([]);
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const [again, setAgain] = useState(false);
  const run = useMutation({
    mutationFn: (body: EnrollRequest) => enroll(cadence.id, body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: cadenceKeys.detail(cadence.id) });
      void queryClient.invalidateQueries({ queryKey: ["cadences", "enrollments", cadence.id] });
      void queryClient.invalidateQueries({ queryKey: ["cadences", "list"] });
    },
  });
  if (run.data) return <EnrollReport result={run.data} onClose={onClose} />;
  const ready = by === "contacts" ? picked.length > 0 : segmentId !== null;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!ready) return;
        run.mutate(by === "contacts" ? { contact_ids: picked, again } : { segment_id: segmentId, again });
      }}
    >
      <Stack gap="sm">
        <Radio.Group label={t("cadences.enroll.by")} value={by} onChange={(value) => setBy(value as typeof by)}>
          <Group gap="md" mt={4}>
            <Radio value="contacts" label={t("cadences.enroll.contacts")} />
            <Radio value="segment" label={t("cadences.enroll.segment")} />
          </Group>
        </Radio.Group>
        {by === "contacts" ? (
          <ContactChecklist picked={picked} onChange={setPicked} />
        ) : (
          <SegmentChoice value={segmentId} onChange={setSegmentId} />
        )}
        <Checkbox
          label={t("cadences.enroll.again")}
          description={t("cadences.enroll.againHint")}
          checked={again}
          onChange={(event) => setAgain(event.currentTarget.checked)}
        />
        {run.isError && (
          <Alert color="red" title={t("cadences.enroll.failed")} role="alert">
            {problemMessage((run.error as ApiError).problem, t("cadences.enroll.failed"))}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("cadences.enroll.cancel")}
          </Button>
          <Button type="submit" disabled={!ready} loading={run.isPending}>
            {t("cadences.enroll.submit")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function EnrollReport({ result, onClose }: { result: EnrollResult; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const excluded = Object.entries(result.excluded ?? {}).filter(([, count]) => count > 0);
  return (
    <Stack gap="xs" role="status">
      <Text>{t("cadences.enroll.enrolled", { count: result.enrolled })}</Text>
      {(result.enrolled_again ?? 0) > 0 && (
        <Text size="sm">{t("cadences.enroll.enrolledAgain", { count: result.enrolled_again })}</Text>
      )}
      {result.already_enrolled > 0 && (
        <Text size="sm">{t("cadences.enroll.already", { count: result.already_enrolled })}</Text>
      )}
      {excluded.length > 0 && (
        <Text size="sm">
          {t("cadences.enroll.excluded", {
            list: excluded
              .map(
                ([reason, count]) =>
                  `${t(`cadences.reasons.${reason}`, { defaultValue: reason })} ${count.toLocaleString(i18n.language)}`,
              ).join(", "),
          })}
        </Text>
      )}
      <Group justify="flex-end">
        <Button onClick={onClose}>{t("cadences.enroll.done")}</Button>
      </Group>
    </Stack>
  );
}

function ContactChecklist({ picked, onChange }: { picked: string[]; onChange: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 250);
  const contacts = useInfiniteQuery({
    queryKey: cadenceKeys.contacts(q),
    queryFn: ({ pageParam }) => listContacts({ q, cursor: pageParam, limit: PAGE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    // The list of the last search stays while the next one loads.
    placeholderData: keepPreviousData,
  });
  const rows = contacts.data?.pages.flatMap((page) => page.items) ?? [];
  const chosen = new Set(picked);
  const toggle = (id: string) => onChange(chosen.has(id) ? picked.filter((other) => other !== id) : [...picked, id]);
  return (
    <Stack gap="xs">
      <TextInput
        label={t("cadences.enroll.search")}
        description={t("cadences.enroll.searchHint")}
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
      />
      <Group justify="space-between">
        <Text size="sm" aria-live="polite">
          {t("cadences.enroll.picked", { count: picked.length })}
        </Text>
        {picked.length > 0 && (
          <Button size="compact-sm" variant="subtle" onClick={() => onChange([])}>
            {t("cadences.enroll.clear")}
          </Button>
        )}
      </Group>
      <Paper withBorder p="xs" component="section" aria-label={t("cadences.enroll.list")}>
        {contacts.isPending ? (
          <div role="status" aria-label={t("app.loading")}>
            <Loader size="sm" />
          </div>
        ) : contacts.isError ? (
          <Alert color="red" title={t("cadences.enroll.loadFailed")}>
            <Button size="xs" variant="light" onClick={() => void contacts.refetch()}>
              {t("cadences.retry")}
            </Button>
          </Alert>
        ) : rows.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("cadences.enroll.noContacts")}
          </Text>
        ) : (
          <ScrollArea.Autosize mah={320} type="auto">
            <Stack gap={6}>
              {rows.map((contact) => (
                <Checkbox
                  key={contact.id}
                  checked={chosen.has(contact.id)}
                  onChange={() => toggle(contact.id)}
                  label={[contact.name || t("cadences.enroll.unnamed"), contact.phone].filter(Boolean).join(" · ")}
                />
              ))}
              {contacts.hasNextPage && (
                <Button
                  size="xs"
                  variant="subtle"
                  loading={contacts.isFetchingNextPage}
                  onClick={() => void contacts.fetchNextPage()}
                >
                  {t("cadences.enroll.more")}
                </Button>
              )}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Paper>
    </Stack>
  );
}

function SegmentChoice({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const { t } = useTranslation();
  const segments = useSegments();
  if (segments.isError) return <Alert color="red">{t("cadences.enroll.segmentsFailed")}</Alert>;
  if (segments.isSuccess && segments.data.length === 0) return <Text size="sm">{t("cadences.enroll.noSegments")}</Text>;
  return (
    <Select
      label={t("cadences.enroll.segmentLabel")}
      data={(segments.data ?? []).map((segment) => ({ value: segment.id, label: segment.name }))}
      value={value}
      onChange={onChange}
      searchable
      disabled={segments.isPending}
    />
  );
}
