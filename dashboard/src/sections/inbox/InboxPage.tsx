// The inbox: the conversation list beside the open conversation; on a phone, one at a time.
// The open conversation is in the address (?conversation=<id>), so a link opens it and the
// browser's back button returns to the list. Keyboard: "/" searches, "r" writes a reply,
// Escape goes back to the list on a phone (the list has its own keys, see ConversationList).
import { Alert, Box, Button, Center, Flex, Loader, Paper, Stack, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { type InfiniteData, type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import type { Conversation, ConversationPage } from "../../api/inbox";
import { ConversationList } from "./ConversationList";
import { PaneBoundary } from "./ErrorBoundary";
import { InboxError, fetchConversation, inboxKeys } from "./queries";
import { Thread } from "./Thread";

const HEIGHT = "calc(100dvh - var(--app-shell-header-offset, 0px) - 2 * var(--mantine-spacing-md))";
const PARAM = "conversation";

/** The conversation as some loaded list shows it, while its own answer is on the way. */
function listed(queryClient: QueryClient, id: string): Conversation | undefined {
  for (const [, data] of queryClient.getQueriesData<InfiniteData<ConversationPage>>({
    queryKey: inboxKeys.lists,
  })) {
    for (const page of data?.pages ?? []) {
      const found = page.items.find((item) => item.id === id);
      if (found) return found;
    }
  }
  return undefined;
}

/** Typing in a field, or a menu or dialog open: the page's single-key shortcuts stay quiet. */
function busyTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return true;
  return target.closest('[role="menu"],[role="dialog"],[role="combobox"]') !== null;
}

export default function InboxPage() {
  const { t } = useTranslation();
  const mobile = useMediaQuery("(max-width: 48em)");
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const selectedId = params.get(PARAM);
  // The row picked last: shown at once, and focused again when coming back to the list.
  const [picked, setPicked] = useState<Conversation | null>(null);
  const [lastOpened, setLastOpened] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const focusSearchNext = useRef(false);

  const details = useQuery({
    queryKey: inboxKeys.conversation(selectedId ?? ""),
    queryFn: () => fetchConversation(selectedId!),
    enabled: Boolean(selectedId),
    // Not found stays not found (another company's id, a deleted conversation): no retry.
    retry: (failures, error) => !(error instanceof InboxError && error.status === 404) && failures < 1,
    placeholderData: () =>
      selectedId
        ? (listed(queryClient, selectedId) ?? (picked?.id === selectedId ? picked : undefined))
        : undefined,
  });
  const conversation =
    (selectedId && details.data?.id === selectedId ? details.data : null) ??
    (picked && picked.id === selectedId ? picked : null);

  const open = useCallback(
    (next: Conversation) => {
      setPicked(next);
      setLastOpened(next.id);
      if (next.id !== selectedId) setParams({ [PARAM]: next.id });
    },
    [selectedId, setParams],
  );
  const back = useCallback(() => setParams({}), [setParams]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "Escape" && mobile && selectedId) {
        if (event.target instanceof HTMLElement && event.target.closest('[role="menu"],[role="dialog"]')) return;
        event.preventDefault();
        back();
        return;
      }
      if (busyTarget(event.target)) return;
      if (event.key === "/") {
        event.preventDefault();
        if (mobile && selectedId) {
          focusSearchNext.current = true;
          back();
        } else searchRef.current?.focus();
      } else if (event.key === "r" && selectedId && composerRef.current) {
        event.preventDefault();
        composerRef.current.focus();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [mobile, selectedId, back]);

  useEffect(() => {
    if (focusSearchNext.current && searchRef.current) {
      focusSearchNext.current = false;
      searchRef.current.focus();
    }
  });

  const resetThread = () => {
    if (!selectedId) return;
    void queryClient.resetQueries({ queryKey: inboxKeys.conversation(selectedId) });
    void queryClient.resetQueries({ queryKey: inboxKeys.messages(selectedId) });
    void queryClient.resetQueries({ queryKey: inboxKeys.notes(selectedId) });
  };

  const list = (
    <PaneBoundary onReset={() => void queryClient.resetQueries({ queryKey: inboxKeys.lists })}>
      <ConversationList
        selectedId={selectedId ?? undefined}
        onSelect={open}
        searchRef={searchRef}
        focusId={mobile ? lastOpened : null}
      />
    </PaneBoundary>
  );

  const thread = !selectedId ? null : conversation ? (
    <PaneBoundary resetKey={selectedId} onReset={resetThread}>
      <Thread
        key={conversation.id}
        conversation={conversation}
        onBack={mobile ? back : undefined}
        composerRef={composerRef}
      />
    </PaneBoundary>
  ) : details.error instanceof InboxError && details.error.status === 404 ? (
    <Stack p="md">
      <Alert color="orange" role="alert" title={t("inbox.notFoundTitle")}>
        {t("inbox.notFound")}
      </Alert>
      <Button variant="light" onClick={back} style={{ alignSelf: "flex-start" }}>
        {t("inbox.back")}
      </Button>
    </Stack>
  ) : details.isError ? (
    <Stack p="md">
      <Alert color="red">{t("inbox.messagesFailed")}</Alert>
      <Button variant="light" onClick={() => void details.refetch()} style={{ alignSelf: "flex-start" }}>
        {t("inbox.retry")}
      </Button>
    </Stack>
  ) : (
    <Center h="100%">
      <Loader size="sm" />
    </Center>
  );

  if (mobile) {
    return <Box h={HEIGHT}>{selectedId ? thread : list}</Box>;
  }
  return (
    <Flex h={HEIGHT} gap="md">
      <Box w={340} style={{ flexShrink: 0 }}>
        {list}
      </Box>
      <Paper withBorder p="sm" style={{ flex: 1, minWidth: 0 }}>
        {thread ?? (
          <Center h="100%">
            <Text c="dimmed">{t("inbox.pick")}</Text>
          </Center>
        )}
      </Paper>
    </Flex>
  );
}
