// A message as it shows on a phone: a frame with one incoming bubble (header, body, footer)
// and the buttons under it. Used by the template editor and the campaign wizard.
import { Box, Paper, Stack, Text } from "@mantine/core";
import { IconExternalLink, IconPhone, IconArrowBackUp } from "@tabler/icons-react";
import type { ReactNode } from "react";

export interface PhoneButton {
  type: "quick_reply" | "url" | "phone";
  text: string;
}

interface PhoneFrameProps {
  /** The region's accessible name ("Preview"). */
  label: string;
  /** Whose values fill it, said above the frame. */
  caption?: ReactNode;
  header?: string | null;
  body: string;
  footer?: string | null;
  buttons?: PhoneButton[];
  /** Shown in the bubble while there is no body yet. */
  empty: string;
  /** Under the bubble (an SMS's segment count, a problem with the values). */
  children?: ReactNode;
}

const BUTTON_ICON = { quick_reply: IconArrowBackUp, url: IconExternalLink, phone: IconPhone } as const;

export function PhoneFrame({ label, caption, header, body, footer, buttons = [], empty, children }: PhoneFrameProps) {
  return (
    <Box component="section" aria-label={label}>
      <Text size="sm" fw={600} mb={4}>
        {label}
      </Text>
      {caption && (
        <Text size="xs" c="dimmed" mb="xs">
          {caption}
        </Text>
      )}
      <Paper
        withBorder
        radius={28}
        p="sm"
        maw={320}
        style={{ borderWidth: 6, background: "var(--mantine-color-gray-1)", minHeight: 360 }}
      >
        <Box mx="auto" mb="sm" w={70} h={6} style={{ borderRadius: 3, background: "var(--mantine-color-gray-4)" }} />
        <Stack gap={4} maw="88%">
          <Paper shadow="xs" radius="md" p="xs" bg="var(--mantine-color-body)" data-testid="phone-bubble">
            {header && (
              <Text size="sm" fw={700} mb={4} style={{ whiteSpace: "pre-wrap" }}>
                {header}
              </Text>
            )}
            {body.trim() ? (
              <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                {body}
              </Text>
            ) : (
              <Text size="sm" c="dimmed">
                {empty}
              </Text>
            )}
            {footer && (
              <Text size="xs" c="dimmed" mt={4}>
                {footer}
              </Text>
            )}
          </Paper>
          {buttons.map((button, index) => {
            const Icon = BUTTON_ICON[button.type];
            return (
              <Paper key={index} shadow="xs" radius="md" py={6} px="xs" bg="var(--mantine-color-body)">
                <Text size="sm" c="blue.8" ta="center">
                  <Icon size={14} style={{ verticalAlign: "-2px", marginRight: 4 }} aria-hidden />
                  {button.text}
                </Text>
              </Paper>
            );
          })}
        </Stack>
      </Paper>
      {children}
    </Box>
  );
}
