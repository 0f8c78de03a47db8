// A small sign of the live socket's state in the header: a dot and a word, with a hint.
// role="status" with the name "Live updates", so its text ("Live", "Reconnecting…") is
// announced when it changes.
import { Box, Group, Text, Tooltip } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { LiveStatus } from "./client";
import { useLive } from "./LiveProvider";

const COLORS: Record<LiveStatus, string> = {
  open: "var(--mantine-color-green-6)",
  connecting: "var(--mantine-color-gray-5)",
  reconnecting: "var(--mantine-color-yellow-6)",
  offline: "var(--mantine-color-gray-5)",
  unavailable: "var(--mantine-color-red-6)",
};

export function LiveIndicator() {
  const { t } = useTranslation();
  const { status } = useLive();
  const hint =
    status === "open"
      ? t("inbox.live.openHint")
      : status === "unavailable"
        ? t("inbox.live.unavailableHint")
        : t("inbox.live.reconnectingHint");
  return (
    <Tooltip label={hint} multiline w={260}>
      <Group
        gap={6}
        wrap="nowrap"
        role="status"
        aria-label={t("inbox.live.label")}
        data-live={status}
        tabIndex={0}
      >
        <Box
          aria-hidden
          w={8}
          h={8}
          style={{ borderRadius: "50%", background: COLORS[status], flexShrink: 0 }}
        />
        <Text size="xs" c="dimmed">
          {t(`inbox.live.${status}`)}
        </Text>
      </Group>
    </Tooltip>
  );
}
