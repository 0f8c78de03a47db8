// A part of the AI section without content yet: what will be here and the next step.
import { Center, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import type { Icon } from "@tabler/icons-react";
import type { ReactNode } from "react";

export function SectionEmpty({ icon: SectionIcon, title, body, action }: { icon: Icon; title: string; body: string; action?: ReactNode }) {
  return (
    <Center mih="40vh">
      <Stack align="center" maw={460} ta="center" gap="sm">
        <ThemeIcon size={56} radius="xl" variant="light">
          <SectionIcon size={30} stroke={1.5} />
        </ThemeIcon>
        <Title order={3}>{title}</Title>
        <Text c="dimmed">{body}</Text>
        {action}
      </Stack>
    </Center>
  );
}

