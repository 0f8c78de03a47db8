// Registers the service worker and, when a new build has been downloaded, asks before
// switching to it: reloading under an agent who is typing a reply would lose their draft.
import { Button, Group, Notification } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useRegisterSW } from "virtual:pwa-register/react";

export function UpdatePrompt() {
  const { t } = useTranslation();
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW();
  if (!needRefresh) return null;
  return (
    <Notification
      title={t("pwa.updateReady")}
      withCloseButton={false}
      style={{ position: "fixed", bottom: 16, right: 16, zIndex: 1000, maxWidth: 360 }}
    >
      <Group gap="xs" mt="xs">
        <Button size="xs" onClick={() => void updateServiceWorker(true)}>
          {t("pwa.reload")}
        </Button>
        <Button size="xs" variant="subtle" onClick={() => setNeedRefresh(false)}>
          {t("pwa.later")}
        </Button>
      </Group>
    </Notification>
  );
}
