// The AI section's own navigation: personas, knowledge bases, the console, the model.
import { Button, Group, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

const PARTS = [
  { to: "/ai/personas", key: "personas" },
  { to: "/ai/knowledge", key: "knowledge" },
  { to: "/ai/console", key: "console" },
  { to: "/ai/suggestions", key: "suggestions" },
  { to: "/ai/model", key: "model" },
] as const;

export function AiNav() {
  const { t } = useTranslation();
  return (
    <nav aria-label={t("ai.nav.label")}>
      <Group gap="xs" wrap="wrap">
        <Title order={4} mr="sm" component="p">
          {t("ai.title")}
        </Title>
        {PARTS.map((part) => (
          <NavLink key={part.to} to={part.to} style={{ textDecoration: "none" }}>
            {({ isActive }) => (
              <Button component="span" size="xs" variant={isActive ? "filled" : "default"}>
                {t(`ai.nav.${part.key}`)}
              </Button>
            )}
          </NavLink>
        ))}
      </Group>
    </nav>
  );
}
