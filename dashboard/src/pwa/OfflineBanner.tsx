// A banner across the top while the browser is offline: the app shell still works from the
// service worker's cache, but lists may be stale and sending waits for the network.
import { Alert } from "@mantine/core";
import { useNetwork } from "@mantine/hooks";
import { IconWifiOff } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

export function OfflineBanner() {
  const { online } = useNetwork();
  const { t } = useTranslation();
  if (online) return null;
  return (
    <Alert
      role="status"
      color="orange"
      variant="filled"
      radius={0}
      icon={<IconWifiOff size={18} />}
      style={{ position: "sticky", top: 0, zIndex: 1000 }}
    >
      {t("pwa.offline")}
    </Alert>
  );
}
