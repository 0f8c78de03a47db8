// The signed-in frame: navigation, the company's name, the user menu, and the page.
import { ActionIcon, AppShell, Burger, Group, Menu, NavLink, Skeleton, Text, Title, useComputedColorScheme, useMantineColorScheme } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import {
  IconAddressBook,
  IconCheck,
  IconTimeline,
  IconInbox,
  IconLanguage,
  IconLayoutKanban,
  IconLogout,
  IconMoon,
  IconPlugConnected,
  IconRobot,
  IconSend,
  IconSettings,
  IconSun,
  IconTemplate,
  IconUserCircle,
  IconUsers,
} from "@tabler/icons-react";
import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { NavLink as RouterLink, Outlet, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthProvider";
import { useMe } from "../auth/useMe";
import { LANGUAGES } from "../i18n";
import { LiveIndicator } from "../live/LiveIndicator";
import { LiveProvider } from "../live/LiveProvider";
import { PageFallback } from "./PageFallback";

const SECTIONS = [
  { to: "/inbox", key: "inbox", icon: IconInbox },
  { to: "/contacts", key: "contacts", icon: IconAddressBook },
  { to: "/pipelines", key: "pipelines", icon: IconLayoutKanban },
  { to: "/campaigns", key: "campaigns", icon: IconSend },
  { to: "/cadences", key: "cadences", icon: IconTimeline },
  { to: "/templates", key: "templates", icon: IconTemplate },
  { to: "/ai", key: "ai", icon: IconRobot },
  { to: "/connections", key: "connections", icon: IconPlugConnected },
  { to: "/team", key: "team", icon: IconUsers },
  { to: "/settings", key: "settings", icon: IconSettings },
] as const;

function UserMenu() {
  const { t, i18n } = useTranslation();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme("light");
  const me = useMe();

  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" size="lg" aria-label={t("user.menu")}>
          <IconUserCircle />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {me.data?.user && (
          <Menu.Label>
            {me.data.user.name || me.data.user.email}
          </Menu.Label>
        )}
        <Menu.Label>{t("user.language")}</Menu.Label>
        {LANGUAGES.map((language) => (
          <Menu.Item
            key={language.code}
            leftSection={<IconLanguage size={16} />}
            rightSection={i18n.resolvedLanguage === language.code ? <IconCheck size={16} /> : null}
            onClick={() => void i18n.changeLanguage(language.code)}
          >
            {language.label}
          </Menu.Item>
        ))}
        <Menu.Label>{t("user.theme")}</Menu.Label>
        <Menu.Item
          leftSection={scheme === "dark" ? <IconSun size={16} /> : <IconMoon size={16} />}
          onClick={() => setColorScheme(scheme === "dark" ? "light" : "dark")}
        >
          {scheme === "dark" ? t("user.light") : t("user.dark")}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={16} />}
          onClick={() => void logout().then(() => navigate("/login", { replace: true }))}
        >
          {t("user.logout")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export default function AppLayout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const me = useMe();

  return (
    <LiveProvider>
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("nav.toggle")} />
            <Title order={4}>{t("app.name")}</Title>
            {me.data ? (
              <Text c="dimmed" truncate data-testid="tenant-name">
                {me.data.tenant.name}
              </Text>
            ) : (
              <Skeleton h={16} w={120} visible={me.isPending} />
            )}
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LiveIndicator />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {SECTIONS.map(({ to, key, icon: SectionIcon }) => (
          <NavLink
            key={to}
            component={RouterLink}
            to={to}
            label={t(`nav.${key}`)}
            leftSection={<SectionIcon size={18} stroke={1.5} />}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<PageFallback />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
    </LiveProvider>
  );
}
