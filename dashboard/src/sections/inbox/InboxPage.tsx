// The inbox: the conversation list beside the open conversation; on a phone, one at a time.
import { Box, Center, Flex, Paper, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Conversation } from "../../api/inbox";
import { ConversationList } from "./ConversationList";
import { Thread } from "./Thread";

const HEIGHT = "calc(100dvh - var(--app-shell-header-offset, 0px) - 2 * var(--mantine-spacing-md))";

export default function InboxPage() {
  const { t } = useTranslation();
  const mobile = useMediaQuery("(max-width: 48em)");
  const [selected, setSelected] = useState<Conversation | null>(null);

  if (mobile) {
    return (
      <Box h={HEIGHT}>
        {selected ? (
          <Thread conversation={selected} onBack={() => setSelected(null)} />
        ) : (
          <ConversationList onSelect={setSelected} />
        )}
      </Box>
    );
  }
  return (
    <Flex h={HEIGHT} gap="md">
      <Box w={340} style={{ flexShrink: 0 }}>
        <ConversationList selectedId={selected?.id} onSelect={setSelected} />
      </Box>
      <Paper withBorder p="sm" style={{ flex: 1, minWidth: 0 }}>
        {selected ? (
          <Thread conversation={selected} />
        ) : (
          <Center h="100%">
            <Text c="dimmed">{t("inbox.pick")}</Text>
          </Center>
        )}
      </Paper>
    </Flex>
  );
}
