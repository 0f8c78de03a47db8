// Previous / next over cursor pages: the cursors visited so far, the last one shown.
import { Button, Group, Text } from "@mantine/core";
import { IconChevronLeft, IconChevronRight } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

/** The cursor of every page visited so far ("previous" pops one); reset() starts over. */
export function useCursors() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    cursor: cursors[cursors.length - 1] ?? null,
    page: cursors.length,
    next: (cursor: string) => setCursors((current) => [...current, cursor]),
    previous: () => setCursors((current) => (current.length > 1 ? current.slice(0, -1) : current)),
    reset: () => setCursors([null]),
  };
}

export function Pager({ cursors, nextCursor }: { cursors: ReturnType<typeof useCursors>; nextCursor: string | null }) {
  const { t } = useTranslation();
  if (cursors.page === 1 && !nextCursor) return null;
  return (
    <Group justify="flex-end" gap="xs">
      <Button
        variant="default"
        size="xs"
        leftSection={<IconChevronLeft size={14} />}
        disabled={cursors.page === 1}
        onClick={cursors.previous}
      >
        {t("ai.previous")}
      </Button>
      <Text size="sm">{t("ai.page", { page: cursors.page })}</Text>
      <Button
        variant="default"
        size="xs"
        rightSection={<IconChevronRight size={14} />}
        disabled={!nextCursor}
        onClick={() => nextCursor && cursors.next(nextCursor)}
      >
        {t("ai.next")}
      </Button>
    </Group>
  );
}
